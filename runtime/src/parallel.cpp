#include "nnc/parallel.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace nnc {
namespace {

// Pieces per thread: more pieces than threads let a thread that runs alone (its sibling's core busy with another
// process) take over the pieces its sibling never started, instead of waiting for them.
constexpr int64_t kPiecesPerThread = 4;
// Pause iterations a waiting thread spins (a few microseconds) before it sleeps: back-to-back layers find the
// workers awake, and a loaded machine loses little to spinning.
constexpr int kSpins = 4000;

thread_local bool inside_parallel_for = false;

void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#else
  std::this_thread::yield();
#endif
}

// Workers that sleep between parallel_for calls. A call publishes its job under a new generation; pieces are taken
// with a compare-and-swap on `ticket_` (generation in the high 32 bits, next piece in the low), so a worker that
// wakes late can never take a piece of a later job.
class ThreadPool {
 public:
  explicit ThreadPool(int workers) {
    for (int i = 0; i < workers; ++i) threads_.emplace_back([this] { work(); });
  }

  ~ThreadPool() {
    stop_ = true;
    publish((ticket_.load() >> 32) + 1);
    for (std::thread& t : threads_) t.join();
  }

  int threads() const { return static_cast<int>(threads_.size()) + 1; }

  void run(int64_t begin, int64_t end, int64_t pieces, const std::function<void(int64_t, int64_t)>& body) {
    begin_ = begin;
    n_ = end - begin;
    pieces_ = pieces;
    body_ = &body;
    error_ = nullptr;
    done_ = 0;
    const uint64_t generation = (ticket_.load() >> 32) + 1;
    publish(generation);
    take_pieces(generation);
    for (int spin = 0; done_.load(std::memory_order_acquire) < pieces && spin < kSpins; ++spin) cpu_relax();
    if (done_.load(std::memory_order_acquire) < pieces) {
      std::unique_lock lock(sleep_mutex_);
      finished_.wait(lock, [&] { return done_.load(std::memory_order_acquire) >= pieces; });
    }
    if (error_) std::rethrow_exception(error_);
  }

 private:
  // Starts job `generation`, waking the workers that sleep. The mutex orders the change with their check of it.
  void publish(uint64_t generation) {
    {
      std::lock_guard lock(sleep_mutex_);
      ticket_.store(generation << 32, std::memory_order_release);
    }
    started_.notify_all();
  }

  void work() {
    inside_parallel_for = true;
    uint64_t seen = ticket_.load() >> 32;
    while (true) {
      uint64_t ticket = ticket_.load(std::memory_order_acquire);
      // A worker that starts after the pool began to stop has `seen` the last generation already: stop_ ends it.
      for (int spin = 0; (ticket >> 32) == seen && !stop_ && spin < kSpins; ++spin) {
        cpu_relax();
        ticket = ticket_.load(std::memory_order_acquire);
      }
      if ((ticket >> 32) == seen && !stop_) {
        std::unique_lock lock(sleep_mutex_);
        started_.wait(lock, [&] { return (ticket_.load(std::memory_order_acquire) >> 32) != seen || stop_; });
        ticket = ticket_.load(std::memory_order_acquire);
      }
      if (stop_) return;
      seen = ticket >> 32;
      take_pieces(seen);
    }
  }

  // Runs pieces of job `generation` until none is left.
  void take_pieces(uint64_t generation) {
    const bool was_inside = inside_parallel_for;
    inside_parallel_for = true;
    while (true) {
      uint64_t ticket = ticket_.load(std::memory_order_acquire);
      int64_t piece = 0;
      do {
        piece = static_cast<int64_t>(ticket & 0xffffffffu);
        if ((ticket >> 32) != generation || piece >= pieces_) {
          inside_parallel_for = was_inside;
          return;
        }
      } while (!ticket_.compare_exchange_weak(ticket, ticket + 1, std::memory_order_acq_rel));
      // Piece i is [begin + i*q + min(i, r), ...): sizes differ by at most one, and nothing overflows.
      const int64_t q = n_ / pieces_, r = n_ % pieces_;
      const int64_t lo = begin_ + piece * q + std::min(piece, r);
      const int64_t hi = lo + q + (piece < r ? 1 : 0);
      try {
        (*body_)(lo, hi);
      } catch (...) {
        std::lock_guard lock(error_mutex_);
        if (!error_) error_ = std::current_exception();
      }
      if (done_.fetch_add(1, std::memory_order_acq_rel) + 1 == pieces_) {
        std::lock_guard lock(sleep_mutex_);
        finished_.notify_one();
      }
    }
  }

  std::vector<std::thread> threads_;
  std::atomic<uint64_t> ticket_{0};
  std::atomic<int64_t> done_{0};
  std::atomic<bool> stop_{false};
  // The job: written by run() before it publishes the generation, read by pieces of that generation only.
  std::atomic<int64_t> begin_{0}, n_{0}, pieces_{0};
  std::atomic<const std::function<void(int64_t, int64_t)>*> body_{nullptr};
  std::mutex error_mutex_, sleep_mutex_;
  std::condition_variable started_, finished_;  // a job was published; the last piece of it is done
  std::exception_ptr error_;
};

std::atomic<int> requested_threads{0};
std::mutex pool_mutex;  // one parallel_for at a time uses the pool; others run serially

int default_threads() { return std::max(1, static_cast<int>(std::thread::hardware_concurrency())); }

}  // namespace

void set_num_threads(int n) { requested_threads = std::max(n, 0); }

int num_threads() {
  const int n = requested_threads;
  return n > 0 ? n : default_threads();
}

void parallel_for(int64_t begin, int64_t end, int64_t grain, const std::function<void(int64_t, int64_t)>& body) {
  if (end <= begin) return;
  const int threads = num_threads();
  const int64_t n = end - begin;
  const int64_t pieces = std::clamp<int64_t>(n / std::max<int64_t>(grain, 1), 1, int64_t{threads} * kPiecesPerThread);
  std::unique_lock lock(pool_mutex, std::defer_lock);
  if (pieces == 1 || threads == 1 || inside_parallel_for || !lock.try_lock()) {
    body(begin, end);
    return;
  }
  static std::unique_ptr<ThreadPool> pool;
  if (!pool || pool->threads() != threads) {
    pool.reset();
    pool = std::make_unique<ThreadPool>(threads - 1);
  }
  pool->run(begin, end, pieces, body);
}

}  // namespace nnc
