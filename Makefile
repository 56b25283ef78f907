# callgate: `make run` and `make test` are all a newcomer needs (see README.md).
BUILD_DIR ?= build
JOBS ?= 2
CMAKE_FLAGS ?=
# Benchmarks need extra voices and are not part of `make test`; the bench-* targets turn them on.
BENCH ?= OFF
HTTP ?= 127.0.0.1:8080
# `make fuzz`: seconds per fuzz target (14 targets: 60 s each is 14 minutes).
FUZZ_SECONDS ?= 60

.PHONY: deps configure build build-all run package test unit integration e2e bench bench-lookup bench-cluster bench-tokens bench-sip bench-soak bench-asr speech-adapt sanitize tsan fuzz clean

deps:
	@bash scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCALLGATE_BENCH=$(BENCH) $(CMAKE_FLAGS) >/dev/null

# Just the server binary; `make test` builds the tests too.
build: configure
	@cmake --build $(BUILD_DIR) -j$(JOBS) --target callgate

build-all: configure
	@cmake --build $(BUILD_DIR) -j$(JOBS)

# Serves demo/callgate.toml (SQLite in var/, SMS outbox in var/outbox.jsonl) with the demo
# customers and the shipped flows. The customers are put in on every run, idempotently
# (scripts/demo-data.sh: missing ones added, existing ones left as they are).
run: build
	@bash scripts/demo-data.sh $(BUILD_DIR)/callgate
	@bash scripts/run-banner.sh $(HTTP)
	@exec $(BUILD_DIR)/callgate serve --config demo/callgate.toml --http $(HTTP)

# The Debian package (scripts/build-deb.sh) in $(BUILD_DIR)/package/, checked by lintian: any
# error fails the target; warnings are printed.
package: build
	@deb="$$(bash scripts/build-deb.sh $(BUILD_DIR) $(BUILD_DIR)/package)" && \
	  lintian --no-cfg --fail-on error "$$deb" && echo "$$deb"

test: build-all
	@cd $(BUILD_DIR) && ctest --output-on-failure -j$(JOBS)

unit: build-all
	@cd $(BUILD_DIR) && ctest --output-on-failure -j$(JOBS) -L unit

integration: build-all
	@cd $(BUILD_DIR) && ctest --output-on-failure -L integration

# Headless Chromium journeys; screenshots in $(BUILD_DIR)/test-artifacts/browser/.
e2e: build-all
	@cd $(BUILD_DIR) && ctest --output-on-failure -L e2e

# Every benchmark that measures a baseline in the same run and records its figures, then one
# summary table of the ratios (bench/summary.py); about 20 minutes. A subset:
# `make bench BENCHES="lookup sip"`. Record the table, dated, in docs/PERFORMANCE.md.
BENCHES ?= lookup sip asr
BENCH_RESULTS = $(abspath $(BUILD_DIR))/bench-results.jsonl
bench: build
	@rm -f $(BENCH_RESULTS)
	@failed=""; for b in $(BENCHES); do \
	  CALLGATE_BENCH_RESULTS=$(BENCH_RESULTS) $(MAKE) --no-print-directory bench-$$b || failed="$$failed $$b"; \
	done; \
	python3 bench/summary.py $(BENCH_RESULTS) $(BENCHES); \
	if [ -n "$$failed" ]; then echo "benchmarks that did not finish or missed a goal:$$failed"; exit 1; fi

# lookup-caller over HTTP vs nginx serving the same body, same run (about 3 minutes).
bench-lookup: build
	@bash bench/lookup_caller_bench.sh $(BUILD_DIR)/callgate

# lookup-caller on PostgreSQL vs SQLite vs nginx, same run, 100,000 customers (< 5 min).
bench-cluster: build
	@python3 bench/cluster_bench.py $(BUILD_DIR)/callgate

# Token mint/verify vs raw libsodium sign/verify (Google Benchmark); prints the ratios.
bench-tokens:
	@$(MAKE) --no-print-directory configure BENCH=ON
	@cmake --build $(BUILD_DIR) -j$(JOBS) --target token_bench
	@$(BUILD_DIR)/bench/token_bench

# SIP load: concurrent calls held, CPU, setups/s vs a trivial SIPp endpoint (< 10 min).
bench-sip: build
	@bash bench/sip/run.sh $(BUILD_DIR)/callgate

# Soak: mixed HTTP and SIP load at twice a sustained rate for 10 minutes; errors (goal 0),
# memory and descriptor growth (goal flat). Not part of `make test`.
bench-soak: build
	@bash bench/soak.sh $(BUILD_DIR)/callgate

# Speech recognition accuracy: TTS corpus through G.711, first pass, after confirmation,
# real-time factor, against a free digit-loop baseline of the same run (< 10 min).
bench-asr:
	@$(MAKE) --no-print-directory configure BENCH=ON
	@cmake --build $(BUILD_DIR) -j$(JOBS) --target asr_bench
	@bash bench/asr/run.sh $(BUILD_DIR)/bench/asr_bench

# share/speech/telephone.mllr: the acoustic model adapted to the telephone line with sphinxtrain,
# on voices the speech benchmark does not use (bench/asr/adapt.sh; about 2 minutes).
speech-adapt:
	@$(MAKE) --no-print-directory configure BENCH=ON
	@cmake --build $(BUILD_DIR) -j$(JOBS) --target asr_bench
	@bash bench/asr/adapt.sh $(BUILD_DIR)/bench/asr_bench share/speech/telephone.mllr

# AddressSanitizer + UBSan build of everything, tests included.
sanitize:
	@$(MAKE) test BUILD_DIR=build-asan CMAKE_FLAGS="-DCALLGATE_SANITIZE=ON"

# libFuzzer (clang) on every parser of outside input, FUZZ_SECONDS per target (docs/TESTING.md).
fuzz: deps
	@CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCALLGATE_FUZZ=ON -DCALLGATE_TESTS=OFF >/dev/null
	@nice cmake --build build-fuzz -j$(JOBS) --target fuzz_targets
	@bash fuzz/run.sh build-fuzz $(FUZZ_SECONDS)

# ThreadSanitizer build; runs the unit and contract tests (the threads of the HTTP server, the SIP
# and media threads, the worker pools and the stores' races live there).
tsan:
	@$(MAKE) --no-print-directory build-all BUILD_DIR=build-tsan CMAKE_FLAGS="-DCALLGATE_TSAN=ON"
	@cd build-tsan && ctest --output-on-failure -j$(JOBS) -L "unit|contracts"

clean:
	rm -rf $(BUILD_DIR) build-asan build-tsan build-fuzz
