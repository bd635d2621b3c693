# Saker — one non-recursive Makefile; each component adds itself through build.mk.
#
#   make            build everything into build/
#   make test       install dependencies, build, run every test
#   make bench      print benchmark figures
#   make run        install dependencies, build, start the agent
#   make fuzz       run the libFuzzer targets for a bounded time
#   make clean
#
# Flavours: SAN=1 (ASan+UBSan) builds into build/san, COV=1 into build/cov.
# V=1 shows full command lines.

.DEFAULT_GOAL := all
.SUFFIXES:
.DELETE_ON_ERROR:
# Keep intermediate objects (fuzz and bench objects) between runs.
.SECONDARY:

ifeq ($(SAN),1)
O ?= build/san
FLAVOUR_CFLAGS := -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
FLAVOUR_LDFLAGS := -fsanitize=address,undefined
else ifeq ($(COV),1)
O ?= build/cov
FLAVOUR_CFLAGS := -O0 --coverage
FLAVOUR_LDFLAGS := --coverage
else
O ?= build
FLAVOUR_CFLAGS := -O2
FLAVOUR_LDFLAGS :=
endif

ifeq ($(V),1)
Q :=
else
Q := @
endif

CC ?= gcc
AR ?= ar
CLANG ?= clang
WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
CPPFLAGS := -D_GNU_SOURCE -Idriver/include -Iagent/include
CFLAGS := -std=gnu11 -g $(WARN) $(FLAVOUR_CFLAGS) -fno-strict-aliasing
LDFLAGS := $(FLAVOUR_LDFLAGS)

# Every component appends its objects' dependency files here.
DEPS :=
BINS :=
UNIT_TESTS :=

$(O)/%.o: %.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

include driver/build.mk
include k8s-client/build.mk
include agent/build.mk
-include plugins/build.mk
-include operator/build.mk
include test/build.mk
include hack/build.mk

all: $(BINS)

deps:
	$(Q)hack/install-deps.sh

test: deps
	$(Q)$(MAKE) --no-print-directory all unit-tests
	$(Q)test/run-tests.sh $(O)

run: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)hack/run.sh $(O)

clean:
	rm -rf build

.PHONY: all deps test run clean

-include $(DEPS)
