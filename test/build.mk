# test/: cmocka unit tests mirroring the sources, integration tests, fuzzers.
UNIT_SRCS := $(shell find test/unit -name 'test_*.c' 2>/dev/null | sort)
UNIT_TESTS := $(UNIT_SRCS:%.c=$(O)/%)
DEPS += $(UNIT_SRCS:%.c=$(O)/%.d)

$(O)/test/unit/%: $(O)/test/unit/%.o $(SAKER_LIBS)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(SAKER_LDLIBS) -lcmocka

unit-tests: $(UNIT_TESTS)

# libFuzzer targets: every test/fuzz/fuzz_*.c, linked with the libraries'
# sources rebuilt by clang with the fuzzer and address sanitizers.
FUZZ_O := build/fuzz
FUZZ_SRCS := $(wildcard test/fuzz/fuzz_*.c)
FUZZ_BINS := $(FUZZ_SRCS:test/fuzz/%.c=$(FUZZ_O)/%)
FUZZ_LIB_SRCS := $(DRIVER_SRCS) $(ENGINE_SRCS) $(K8S_SRCS) agent/k8s/record.c
FUZZ_CFLAGS := -std=gnu11 -g -O1 -fsanitize=fuzzer-no-link,address,undefined $(WARN)
FUZZ_SECONDS ?= 60

$(FUZZ_O)/%.o: %.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CLANG   $<")
	$(Q)$(CLANG) $(CPPFLAGS) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<

$(FUZZ_O)/fuzz_%: $(FUZZ_O)/test/fuzz/fuzz_%.o $(FUZZ_LIB_SRCS:%.c=$(FUZZ_O)/%.o)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CLANG) -fsanitize=fuzzer,address,undefined -o $@ $^ $(SAKER_LDLIBS)

DEPS += $(wildcard $(FUZZ_O)/*/*.d $(FUZZ_O)/*/*/*.d $(FUZZ_O)/*/*/*/*.d)

fuzz: deps
	$(Q)$(MAKE) --no-print-directory $(FUZZ_BINS)
	$(Q)test/fuzz/run.sh $(FUZZ_O) $(FUZZ_SECONDS)

.PHONY: unit-tests fuzz
