//! Golden-file and conformance tests live in `tests/`.
