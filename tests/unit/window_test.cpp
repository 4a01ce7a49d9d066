// The window arithmetic every window op shares.
#include <catch2/catch.hpp>

#include "ops/window.h"

using nnc::WindowAxis;
using nnc::window_output;

TEST_CASE("window output size follows PyTorch's floor formula", "[window]") {
  // The seed's five convolutions.
  CHECK(window_output({.input = 227, .kernel = 11, .stride = 4}).output == 55);
  CHECK(window_output({.input = 64, .kernel = 7, .stride = 2}).output == 29);
  CHECK(window_output({.input = 32, .pad_lo = 2, .pad_hi = 2, .kernel = 5}).output == 32);
  CHECK(window_output({.input = 64, .kernel = 5}).output == 60);
  CHECK(window_output({.input = 64, .pad_lo = 1, .pad_hi = 1, .kernel = 3}).output == 64);
}

TEST_CASE("rows no window reads are counted", "[window]") {
  auto r = window_output({.input = 64, .kernel = 7, .stride = 2});
  CHECK(r.span == 57);
  CHECK(r.unread == 1);
  CHECK(window_output({.input = 227, .kernel = 11, .stride = 4}).unread == 0);
}

TEST_CASE("dilation widens the window", "[window]") {
  CHECK(window_output({.input = 10, .kernel = 3, .stride = 1, .dilation = 2}).output == 6);
  CHECK(window_output({.input = 10, .pad_lo = 2, .pad_hi = 2, .kernel = 3, .stride = 1, .dilation = 2}).output == 10);
}

TEST_CASE("a kernel larger than the padded input gives an output below 1", "[window]") {
  CHECK(window_output({.input = 10, .kernel = 12}).output < 1);
  CHECK(window_output({.input = 10, .kernel = 12}).span < 0);
}

TEST_CASE("ceil_mode rounds up but drops a window starting in the right padding", "[window]") {
  // 5 with kernel 2 stride 2: floor gives 2, ceil gives 3.
  CHECK(window_output({.input = 5, .kernel = 2, .stride = 2}).output == 2);
  CHECK(window_output({.input = 5, .kernel = 2, .stride = 2, .ceil_mode = true}).output == 3);
  // 6 with padding 1, kernel 2, stride 2: ceil((6+2-2)/2)+1 = 4, but window 3 would start at 6 >= 6+1-1.
  auto r = window_output({.input = 6, .pad_lo = 1, .pad_hi = 1, .kernel = 2, .stride = 2, .ceil_mode = true});
  CHECK(r.output == 4);
  CHECK_FALSE(r.last_window_dropped);
  auto dropped = window_output({.input = 5, .pad_lo = 1, .pad_hi = 1, .kernel = 2, .stride = 2, .ceil_mode = true});
  CHECK(dropped.last_window_dropped);
  CHECK(dropped.output == 3);
}

TEST_CASE("window arithmetic reports int64 overflow instead of wrapping", "[window]") {
  CHECK(window_output({.input = 10, .kernel = INT64_MAX / 2, .dilation = 4}).overflow);
  CHECK(window_output({.input = INT64_MAX, .pad_lo = 1, .pad_hi = 1, .kernel = 1}).overflow);
  CHECK_FALSE(window_output({.input = 10, .kernel = 3}).overflow);
}

TEST_CASE("the worked formula uses the layer's own numbers", "[window]") {
  WindowAxis a{.input = 28, .kernel = 5};
  CHECK(nnc::window_formula(a, window_output(a)) == "(28 + 2*0 - 1*(5-1) - 1)/1 + 1 = 24");
  WindowAxis same{.input = 28, .pad_lo = 1, .pad_hi = 2, .kernel = 4};
  CHECK(nnc::window_formula(same, window_output(same)) == "(28 + 1+2 - 1*(4-1) - 1)/1 + 1 = 28");
}
