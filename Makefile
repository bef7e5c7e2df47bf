# Thin wrapper over CMake. The two commands that matter:
#   make run   — install what is missing, build, run the main job on ./var
#   make test  — install what is missing, build, run every test (also under ASan+UBSan)
BUILD      ?= build
BUILD_SAN  ?= build-san
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps configure build run test test-fast test-san asan soak bench train format fuzz clean

all: build

deps:
	@sh scripts/install-deps

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=gcc

build: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

run: deps build
	sh scripts/run-main

test: deps
	$(MAKE) test-fast
	$(MAKE) test-san

test-fast: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

$(BUILD_SAN)/CMakeCache.txt:
	cmake -S . -B $(BUILD_SAN) -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang -DKV_SANITIZE=ON

test-san: $(BUILD_SAN)/CMakeCache.txt
	cmake --build $(BUILD_SAN) -j $(JOBS)
	cd $(BUILD_SAN) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
		LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
		ctest --output-on-failure -j $(JOBS) -LE nosan

# The same as test-san: the unit and end-to-end suites under ASan + UBSan.
asan: test-san

# The crash test long (tests/e2e/crash_kill.sh): 200,000 items, 100 kills
# of the import, 20 kills of serve amid 2,000 webhook deliveries.
soak: build
	cd $(BUILD) && KV_CRASH_ITEMS=200000 KV_CRASH_KILLS=100 KV_CRASH_SERVE_KILLS=20 \
		KV_CRASH_DELIVERIES=2000 ctest --output-on-failure -R '^e2e\.crash_kill$$' --timeout 7200

bench: deps build
	sh scripts/run-bench $(BUILD)

# The screening decision's weights (rules/sv/decision.weights) from the
# development half of RTP-LX Swedish; deterministic, so this reproduces the
# shipped file. Only the development half is ever used.
SCREEN_DEV ?= $(firstword $(wildcard ../shared/data/hate_speech/rtp_lx/RTP_LX_SV.dev.jsonl /work/shared/data/hate_speech/rtp_lx/RTP_LX_SV.dev.jsonl))
train: build
	@test -n "$(SCREEN_DEV)" || { echo "train: RTP_LX_SV.dev.jsonl not found; set SCREEN_DEV=FILE" >&2; exit 1; }
	$(BUILD)/screen_decide --rules rules/sv --out rules/sv/decision.weights "$(SCREEN_DEV)"

format:
	find src tests fuzz bench -name '*.[ch]' | xargs clang-format -i

# Builds every libFuzzer target (fuzz/fuzz_*.c, with ASan + UBSan) and runs
# each for FUZZ_RUNS executions from its seed corpus, printing executions and
# exec/s per target (scripts/run-fuzz). Not part of make test, which replays
# the corpus only.
FUZZ_RUNS ?= 1000000
fuzz:
	cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang -DKV_LIBFUZZER=ON -DKV_SANITIZE=ON
	cmake --build build-fuzz -j $(JOBS)
	sh scripts/run-fuzz build-fuzz $(FUZZ_RUNS)

clean:
	rm -rf $(BUILD) $(BUILD_SAN) build-fuzz
