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

# The live CO-RE eBPF probe (driver/bpf/*.bpf.c) and its user-space library
# (driver/probe/*.c). vmlinux.h is generated from this kernel's BTF, the BPF
# object is compiled by clang, and bpftool turns it into a skeleton header
# that driver/probe/ embeds. Kept out of DRIVER_SRCS so the fuzz build (which
# recompiles DRIVER_SRCS with clang) does not need the skeleton.
BPFTOOL ?= bpftool
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall -Werror -Wno-unused-function
BPF_SRCS := $(wildcard driver/bpf/*.bpf.c)
BPF_OBJS := $(BPF_SRCS:%.bpf.c=$(O)/%.bpf.o)
BPF_SKELS := $(BPF_SRCS:%.bpf.c=$(O)/%.skel.h)
PROBE_SRCS := $(wildcard driver/probe/*.c)
PROBE_OBJS := $(PROBE_SRCS:%.c=$(O)/%.o)
DRIVER_LDLIBS += -lbpf -lelf -lz
DEPS += $(PROBE_OBJS:.o=.d) $(BPF_OBJS:.o=.d)

$(O)/driver/bpf/vmlinux.h:
	@mkdir -p $(@D)
	@$(if $(Q),echo "  BTF     $@")
	$(Q)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@.$$$$.tmp && mv $@.$$$$.tmp $@

$(O)/driver/bpf/%.bpf.o: driver/bpf/%.bpf.c $(O)/driver/bpf/vmlinux.h
	@mkdir -p $(@D)
	@$(if $(Q),echo "  BPF     $<")
	$(Q)$(CLANG) $(BPF_CFLAGS) -I$(O)/driver/bpf -Idriver/include -Idriver/bpf -MMD -MP -c -o $@ $<

$(O)/driver/bpf/%.skel.h: $(O)/driver/bpf/%.bpf.o
	@$(if $(Q),echo "  SKEL    $@")
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst .bpf.o,,$(notdir $<))_bpf > $@.$$$$.tmp && mv $@.$$$$.tmp $@

$(PROBE_OBJS): CPPFLAGS += -I$(O)/driver/bpf -Idriver/bpf
$(PROBE_OBJS): $(BPF_SKELS)

$(DRIVER_LIB): $(PROBE_OBJS)
