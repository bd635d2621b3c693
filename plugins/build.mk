# plugins/: Saker's text of the plugin ABI (plugins/include), the helper layer
# (plugins/lib) and the bundled plugins, each built to $(O)/plugins/lib<name>.so.
CPPFLAGS += -Iplugins/include

PLUGIN_NAMES := json k8saudit cloudtrail
PLUGIN_CFLAGS := -fPIC -fvisibility=hidden
PLUGIN_HELPER_OBJ := $(O)/plugins/pic/plugins/lib/helper.o
PLUGINS := $(PLUGIN_NAMES:%=$(O)/plugins/lib%.so)
PLUGIN_LDLIBS_json := -lcjson
PLUGIN_LDLIBS_k8saudit := -lcjson -lssl -lcrypto -lpthread
PLUGIN_LDLIBS_cloudtrail := -lcjson -lcurl -lssl -lcrypto -lz -lpthread

BINS += $(PLUGINS)
DEPS += $(patsubst %.c,$(O)/plugins/pic/%.d,$(wildcard plugins/*/*.c))

$(O)/plugins/pic/%.o: %.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(PLUGIN_CFLAGS) -MMD -MP -c -o $@ $<

define PLUGIN_RULE
PLUGIN_OBJS_$(1) := $$(patsubst %.c,$(O)/plugins/pic/%.o,$$(wildcard plugins/$(1)/*.c))
$(O)/plugins/lib$(1).so: $$(PLUGIN_OBJS_$(1)) $(PLUGIN_HELPER_OBJ)
	@mkdir -p $$(@D)
	@$$(if $$(Q),echo "  LD      $$@")
	$$(Q)$$(CC) $$(LDFLAGS) -shared -Wl,--no-undefined -o $$@ $$^ $$(PLUGIN_LDLIBS_$(1))
endef
$(foreach n,$(PLUGIN_NAMES),$(eval $(call PLUGIN_RULE,$(n))))

plugins: $(PLUGINS)
.PHONY: plugins

# Unit tests of the plugins and the host load the bundled plugins: build them first.
PLUGIN_UNIT_TESTS := $(patsubst %.c,$(O)/%,$(shell find test/unit/plugins test/unit/agent/plugin -name 'test_*.c' 2>/dev/null))
$(PLUGIN_UNIT_TESTS): | $(PLUGINS)
# The helper layer's own test links it directly.
$(O)/test/unit/plugins/lib/test_helper: $(PLUGIN_HELPER_OBJ)
