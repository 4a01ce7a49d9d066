#pragma once
// Running third-party code that may crash or hang on hostile input (libonnx 1.12's shape inference indexes past
// the end of malformed attribute lists) in a child process first, so that nnc can report it instead of dying.
#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace nnc::onnx_import {

// Runs `work` in a forked child and waits at most `limit`. None when the child finished (an exception it threw
// counts as finishing: the caller runs `work` itself next and sees it); else what went wrong ("crashed with signal
// 11 (Segmentation fault)", "did not finish within 60 s").
std::optional<std::string> fails_in_child(const std::function<void()>& work, std::chrono::seconds limit);

}  // namespace nnc::onnx_import
