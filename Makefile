# Herald: `make run` starts a server, `make test` runs the whole suite.
JOBS    ?= $(shell nproc)
RELEASE := build/release
TESTING := build/test
FUZZING := build/fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := fuzz_protocol fuzz_bench_wire fuzz_ws_frame_reader fuzz_client_answers

.PHONY: setup build run test fuzz format tidy clean

setup:
	@scripts/setup

build: setup
	@cmake -S . -B $(RELEASE) -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(RELEASE) -j $(JOBS)

run: build
	@mkdir -p var
	$(RELEASE)/herald serve --listen 127.0.0.1:8080 --data var

test: setup
	@cmake -S . -B $(TESTING) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DHERALD_SANITIZE=ON -DHERALD_TESTS=ON >/dev/null
	@cmake --build $(TESTING) -j $(JOBS)
	cd $(TESTING) && ctest --output-on-failure --timeout 600

fuzz: setup
	@cmake -S . -B $(FUZZING) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ -DHERALD_FUZZ=ON >/dev/null
	@cmake --build $(FUZZING) -j $(JOBS) --target $(FUZZ_TARGETS)
	@for target in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZING)/corpus/$$target; \
	  seeds=tests/fuzz/seeds/$$target; [ -d $$seeds ] || seeds=; \
	  echo "fuzz: $$target for $(FUZZ_SECONDS) s"; \
	  $(FUZZING)/tests/fuzz/$$target -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
	      $(FUZZING)/corpus/$$target $$seeds || exit 1; \
	done

format:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

tidy:
	@cmake -S . -B $(TESTING) -G Ninja -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
	@git ls-files 'src/*.cpp' 'tools/*.cpp' | xargs clang-tidy -p $(TESTING) --quiet

clean:
	rm -rf build
