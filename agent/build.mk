# agent/: the node agent `saker`. engine/ is a library of its own (the
# operator links it too); the rest of the agent is libsaker-agent.a + main.c.
ENGINE_SRCS := $(wildcard agent/engine/*.c)
ENGINE_OBJS := $(ENGINE_SRCS:%.c=$(O)/%.o)
ENGINE_LIB := $(O)/lib/libsaker-engine.a
ENGINE_LDLIBS := -lyaml -lpcre2-8 -lcjson

AGENT_DIRS := agent agent/state agent/cli agent/config agent/outputs agent/web agent/plugin agent/k8s
AGENT_SRCS := $(filter-out agent/main.c,$(wildcard $(AGENT_DIRS:%=%/*.c)))
AGENT_OBJS := $(AGENT_SRCS:%.c=$(O)/%.o)
AGENT_LIB := $(O)/lib/libsaker-agent.a

SAKER_LIBS := $(AGENT_LIB) $(ENGINE_LIB) $(K8S_LIB) $(DRIVER_LIB)
SAKER_LDLIBS := $(ENGINE_LDLIBS) $(K8S_LDLIBS) $(DRIVER_LDLIBS) -lwebsockets -lssl -lcrypto \
	-ldl -lm -lpthread

DEPS += $(ENGINE_OBJS:.o=.d) $(AGENT_OBJS:.o=.d) $(O)/agent/main.d
BINS += $(O)/bin/saker

$(ENGINE_LIB): $(ENGINE_OBJS)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(AGENT_LIB): $(AGENT_OBJS)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(O)/bin/saker: $(O)/agent/main.o $(SAKER_LIBS)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(SAKER_LDLIBS)
