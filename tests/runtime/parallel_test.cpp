// parallel_for: coverage, nesting, exceptions, concurrency and the C entry point of generated code.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "nnc/abi.h"
#include "nnc/parallel.h"

namespace {

// The subranges one parallel_for call hands out, sorted.
std::vector<std::pair<int64_t, int64_t>> pieces(int64_t begin, int64_t end, int64_t grain) {
  std::mutex m;
  std::vector<std::pair<int64_t, int64_t>> out;
  nnc::parallel_for(begin, end, grain, [&](int64_t lo, int64_t hi) {
    std::lock_guard lock(m);
    out.emplace_back(lo, hi);
  });
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("parallel_for covers the range exactly once in pieces of at least grain", "[parallel]") {
  for (int threads : {1, 2, 3, 8}) {
    nnc::set_num_threads(threads);
    const std::tuple<int64_t, int64_t, int64_t> cases[] = {{0, 1000, 1}, {5, 17, 4}, {-10, 10, 7}, {0, 3, 100}, {0, 1, 0}};
    for (auto [begin, end, grain] : cases) {
      auto p = pieces(begin, end, grain);
      REQUIRE_FALSE(p.empty());
      CHECK(p.front().first == begin);
      CHECK(p.back().second == end);
      CHECK(static_cast<int64_t>(p.size()) <= 4 * nnc::num_threads());
      for (std::size_t i = 0; i < p.size(); ++i) {
        if (i > 0) CHECK(p[i].first == p[i - 1].second);
        if (p.size() > 1) CHECK(p[i].second - p[i].first >= grain);
      }
    }
  }
  nnc::set_num_threads(0);
}

TEST_CASE("parallel_for of an empty range calls nothing", "[parallel]") {
  CHECK(pieces(5, 5, 1).empty());
  CHECK(pieces(5, 2, 1).empty());
}

TEST_CASE("parallel_for sums like a serial loop, nested calls included", "[parallel]") {
  nnc::set_num_threads(4);
  std::atomic<int64_t> sum{0};
  nnc::parallel_for(0, 100, 1, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i)
      nnc::parallel_for(0, 10, 1, [&](int64_t a, int64_t b) {
        for (int64_t j = a; j < b; ++j) sum += i * 10 + j;
      });
  });
  CHECK(sum == 999 * 1000 / 2);
  nnc::set_num_threads(0);
}

TEST_CASE("an exception in a body reaches the caller", "[parallel]") {
  nnc::set_num_threads(4);
  CHECK_THROWS_AS(nnc::parallel_for(0, 100, 1,
                                    [](int64_t lo, int64_t) {
                                      if (lo == 0) throw std::runtime_error("first piece");
                                    }),
                  std::runtime_error);
  nnc::set_num_threads(0);
}

TEST_CASE("the C entry point for generated code runs the task over the range", "[parallel]") {
  std::atomic<int64_t> sum{0};
  nnc_task_fn task = [](void* context, int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) *static_cast<std::atomic<int64_t>*>(context) += i;
  };
  nnc_parallel_for(0, 1000, 10, task, &sum);
  CHECK(sum == 999 * 1000 / 2);
}

TEST_CASE("no more bodies run at once than num_threads, and more than one does", "[parallel]") {
  for (int threads : {2, 3}) {
    nnc::set_num_threads(threads);
    std::atomic<int> running{0}, most{0};
    for (int call = 0; call < 50; ++call)
      nnc::parallel_for(0, 64, 1, [&](int64_t, int64_t) {
        const int now = ++running;
        int seen = most.load();
        while (now > seen && !most.compare_exchange_weak(seen, now)) {
        }
        const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(200);
        while (std::chrono::steady_clock::now() < until) {
        }
        --running;
      });
    CHECK(most.load() <= threads);
    CHECK(most.load() >= 2);
  }
  nnc::set_num_threads(0);
}

TEST_CASE("parallel_for from several threads at once stays correct", "[parallel]") {
  nnc::set_num_threads(2);
  std::vector<std::thread> callers;
  std::atomic<int64_t> sum{0};
  for (int t = 0; t < 4; ++t)
    callers.emplace_back([&] {
      for (int call = 0; call < 200; ++call)
        nnc::parallel_for(0, 100, 1, [&](int64_t lo, int64_t hi) {
          for (int64_t i = lo; i < hi; ++i) sum += i;
        });
    });
  for (std::thread& t : callers) t.join();
  CHECK(sum == int64_t{4} * 200 * (99 * 100 / 2));
  nnc::set_num_threads(0);
}

TEST_CASE("changing the thread count between calls rebuilds the pool", "[parallel]") {
  for (int threads : {2, 4, 1, 3, 2}) {
    nnc::set_num_threads(threads);
    std::atomic<int64_t> sum{0};
    nnc::parallel_for(0, 1000, 1, [&](int64_t lo, int64_t hi) {
      for (int64_t i = lo; i < hi; ++i) sum += i;
    });
    CHECK(sum == 999 * 1000 / 2);
  }
  nnc::set_num_threads(0);
}
