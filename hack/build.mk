# hack/: developer tools and benchmarks.
BENCH_SRCS := $(wildcard hack/bench/bench_*.c)
BENCH_BINS := $(BENCH_SRCS:hack/bench/%.c=$(O)/bin/%)
DEPS += $(BENCH_SRCS:%.c=$(O)/%.d)

$(O)/bin/bench_%: $(O)/hack/bench/bench_%.o $(SAKER_LIBS)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(SAKER_LDLIBS)

bench: deps
	$(Q)$(MAKE) --no-print-directory all $(BENCH_BINS)
	$(Q)hack/bench/run.sh $(O)

.PHONY: bench

# The event generator (hack/event-generator): harmless actions for the default rules.
EVENT_GENERATOR := $(O)/bin/event-generator
BINS += $(EVENT_GENERATOR)
DEPS += $(O)/hack/event-generator/event_generator.d

$(EVENT_GENERATOR): $(O)/hack/event-generator/event_generator.o
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^
# The syscall load of the live benchmark, also used by the live tests.
BINS += $(O)/bin/bench_loop
