# The two commands: `make run` and `make test`. Each installs what is missing
# (Debian packages), configures and builds, then starts Spyglass or runs the
# whole test suite.

RUN_DIR  ?= build/release
TEST_DIR ?= build/test
BENCH_DIR ?= build/bench
PEERS ?= 0
BENCH_ARGS ?=
CTEST_ARGS ?=
ARGS ?=

.PHONY: run test setup build-run build-test format format-check bench clean

setup:
	@packaging/install-deps.sh

$(RUN_DIR)/build.ninja:
	cmake -S . -B $(RUN_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release -DSPYGLASS_TESTS=OFF

$(TEST_DIR)/build.ninja:
	cmake -S . -B $(TEST_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSPYGLASS_TESTS=ON

build-run: setup $(RUN_DIR)/build.ninja
	cmake --build $(RUN_DIR)

build-test: setup $(TEST_DIR)/build.ninja
	cmake --build $(TEST_DIR)

# The GUI when a display exists, else the headless proxy in the foreground.
run: build-run
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
	  exec $(RUN_DIR)/app/spyglass $(ARGS); \
	else \
	  exec $(RUN_DIR)/app/spyglass-cli run $(ARGS); \
	fi

test: build-test
	cmake --build $(TEST_DIR) --target format-check
	cd $(TEST_DIR) && ctest --output-on-failure --timeout 600 $(CTEST_ARGS)

$(BENCH_DIR)/build.ninja:
	cmake -S . -B $(BENCH_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release -DSPYGLASS_TESTS=ON

# The benchmark suite (issue 7, docs/performance.md): Release build of the
# proxy and the load generator, nginx as origin; PEERS=1 also installs and
# measures squid, tinyproxy and mitmdump. Extra options: BENCH_ARGS="--runs 5".
bench: setup $(BENCH_DIR)/build.ninja
	cmake --build $(BENCH_DIR) --target spyglass-cli spyglass-bench
	@tests/bench/install-bench-deps.sh $(PEERS)
	python3 tests/bench/run_bench.py --build-dir $(BENCH_DIR) $(if $(filter 1,$(PEERS)),--peers) \
	  --out $(BENCH_DIR)/bench-results.md --json-out $(BENCH_DIR)/bench-results.json $(BENCH_ARGS)

format: setup $(TEST_DIR)/build.ninja
	cmake --build $(TEST_DIR) --target format

format-check: setup $(TEST_DIR)/build.ninja
	cmake --build $(TEST_DIR) --target format-check

clean:
	rm -rf build
