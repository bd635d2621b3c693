# driver/: event schema, event table and rendering, .scap reader and writer.
DRIVER_SRCS := $(wildcard driver/event/*.c driver/scap/*.c)
DRIVER_OBJS := $(DRIVER_SRCS:%.c=$(O)/%.o)
DRIVER_LIB := $(O)/lib/libsaker-driver.a
DRIVER_LDLIBS := -lz
DEPS += $(DRIVER_OBJS:.o=.d)

$(DRIVER_LIB): $(DRIVER_OBJS)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && $(AR) rcs $@ $^
