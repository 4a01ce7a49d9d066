// Times an emitted model's forward: prints the median milliseconds per call over about a second of
// calls. Build with `-include NAME.hpp -DNNC_MODEL=NAME` next to NAME.cpp.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#ifndef NNC_MODEL
#error "define NNC_MODEL as the emitted model's namespace"
#endif

int main() {
  std::vector<float> input(NNC_MODEL::input_size), output(NNC_MODEL::output_size);
  std::vector<float> workspace(NNC_MODEL::workspace_size);
  for (std::size_t i = 0; i < input.size(); ++i) input[i] = static_cast<float>(i % 17) / 17.0f - 0.5f;
  using clock = std::chrono::steady_clock;
  auto call_ms = [&] {
    auto start = clock::now();
    NNC_MODEL::forward(input.data(), output.data(), workspace.data());
    return std::chrono::duration<double, std::milli>(clock::now() - start).count();
  };
  for (int i = 0; i < 5; ++i) call_ms();
  int runs = static_cast<int>(std::clamp(1000.0 / std::max(call_ms(), 1e-6), 10.0, 10000.0));
  std::vector<double> times(runs);
  for (double& t : times) t = call_ms();
  std::nth_element(times.begin(), times.begin() + runs / 2, times.end());
  std::printf("%.6f %d\n", times[runs / 2], runs);
  return 0;
}
