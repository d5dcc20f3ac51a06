# The two commands: `make run` and `make test`. Each installs what is missing
# (Debian packages), configures and builds, then starts Spyglass or runs the
# whole test suite.

RUN_DIR  ?= build/release
TEST_DIR ?= build/test
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

format: setup $(TEST_DIR)/build.ninja
	cmake --build $(TEST_DIR) --target format

format-check: setup $(TEST_DIR)/build.ninja
	cmake --build $(TEST_DIR) --target format-check

clean:
	rm -rf build
