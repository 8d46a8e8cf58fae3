# The two entry points of the project (see README.md):
#   make run   installs missing packages, builds Release, runs the default inference simulation
#   make test  the same set-up, then the whole test suite through ctest
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
APT_PACKAGES = cmake g++ make pkg-config libsystemc-dev nlohmann-json3-dev libfmt-dev \
               libspdlog-dev libboost-program-options-dev libgtest-dev libbenchmark-dev \
               libopenmpi-dev openmpi-bin ccache libxxhash-dev

.PHONY: all deps configure build run microbench test bench format clean

all: build

deps:
	@scripts/install-deps.sh $(APT_PACKAGES)

configure: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release > /dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

# The default job: the first 10 minutes of the Azure conversation trace served by Llama-3.1-70B
# FP8 on one Maia 200 (maia-sim run with no arguments); summary table printed, files in out/default.
run: build
	@$(BUILD_DIR)/maia-sim run

microbench: build
	@$(BUILD_DIR)/maia-sim microbench all

test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

bench: build
	@scripts/run-bench.sh $(BUILD_DIR)

format:
	@clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	@rm -rf $(BUILD_DIR)
