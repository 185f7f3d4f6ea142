# Winnow: the two commands a user needs are `make demo` and `make test`.
# Every system package the build and the tests use is installed here when missing.

SHELL := /bin/bash
APT_PACKAGES := libncurses-dev ncurses-term libchafa-dev libgdk-pixbuf-2.0-dev libsqlite3-dev libssl-dev pkg-config tmux
SWIFT ?= swift
DEMO_DIR ?= .demo
DEMO_DB := $(DEMO_DIR)/winnow.sqlite
BIN = $(shell $(SWIFT) build --show-bin-path)/winnow

.PHONY: all deps install-packages build release test demo bench clean

all: build

## deps: install the system packages that are missing (apt-get; sudo when not root)
deps:
	@$(MAKE) --no-print-directory install-packages PACKAGES="$(APT_PACKAGES)"

install-packages:
	@missing=""; \
	for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:$$missing"; \
	  if [ "$$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi; \
	  $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

## test: every test (unit, golden screens, end to end in tmux) on a debug build
test: deps
	$(SWIFT) build --build-tests
	WINNOW_BIN="$(BIN)" $(SWIFT) test --skip-build

## demo: import sample-data/ into a fresh demo store (import scores it) and open the workbench on it
demo: build
	@mkdir -p $(DEMO_DIR)
	@rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN) import sample-data/demo.json --images sample-data --captions sample-data/captions.jsonl --db $(DEMO_DB)
	$(BIN) import sample-data/eval/questions.jsonl --images sample-data --source demo-eval \
	  --answers sample-data/eval/answers/model-a.jsonl --answers sample-data/eval/answers/model-b.jsonl --db $(DEMO_DB)
	$(BIN) stats --db $(DEMO_DB)
	@if [ -t 0 ]; then $(BIN) review --db $(DEMO_DB); \
	else echo "No terminal on stdin: run '$(BIN) review --db $(DEMO_DB)' in a terminal to open the workbench."; fi

## bench: generate benchmark data (once) and measure against Python, release build
bench: release
	@$(MAKE) --no-print-directory install-packages PACKAGES="time python3 chafa"
	./scripts/bench.sh

clean:
	rm -rf .build $(DEMO_DIR)
