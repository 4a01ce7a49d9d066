#include "ops/window.h"

#include <fmt/format.h>

#include <numeric>
#include <optional>
#include <vector>

namespace nnc {

using checked::floor_div;

WindowResult window_output(const WindowAxis& a) {
  WindowResult r;
  auto reach = checked::mul(a.dilation, a.kernel - 1);  // dilated kernel extent minus one
  auto padded = checked::add(a.input, a.pad_lo);
  if (padded) padded = checked::add(*padded, a.pad_hi);
  if (!reach || !padded) {
    r.overflow = true;
    return r;
  }
  auto span = checked::sub(*padded, *reach);
  if (span) span = checked::sub(*span, 1);
  if (!span) {
    r.overflow = true;
    return r;
  }
  r.span = *span;
  if (a.ceil_mode) {
    auto numerator = checked::add(r.span, a.stride - 1);
    if (!numerator) {
      r.overflow = true;
      return r;
    }
    r.output = floor_div(*numerator, a.stride) + 1;
    if (r.output > 1 && (r.output - 1) * a.stride >= a.input + a.pad_lo) {
      --r.output;
      r.last_window_dropped = true;
    }
  } else {
    r.output = floor_div(r.span, a.stride) + 1;
  }
  if (r.span >= 0 && !a.ceil_mode) r.unread = checked::floor_mod(r.span, a.stride);
  return r;
}

namespace {

// "2*1" for symmetric padding, "1+2" for `same` with an even kernel.
std::string padding_term(const WindowAxis& a) {
  return a.pad_lo == a.pad_hi ? fmt::format("2*{}", a.pad_lo) : fmt::format("{}+{}", a.pad_lo, a.pad_hi);
}

}  // namespace

std::string window_formula(const WindowAxis& a, const WindowResult& r) {
  std::string inner = fmt::format("({} + {} - {}*({}-1) - 1)/{}", a.input, padding_term(a), a.dilation, a.kernel, a.stride);
  if (a.ceil_mode) inner = "ceil(" + inner + ")";
  std::string text = fmt::format("{} + 1 = {}", inner, r.output);
  if (r.last_window_dropped) text += "  (the last window would start in the padding: dropped, as PyTorch does)";
  if (r.unread > 0) {
    int64_t lost = r.unread > a.pad_hi ? r.unread - a.pad_hi : 0;
    text += lost ? fmt::format("  ({}/{} rounds down: {} input row/column{} left unread)", r.span, a.stride, lost, lost == 1 ? "" : "s")
                 : fmt::format("  ({}/{} rounds down: only padding is left unread)", r.span, a.stride);
  }
  return text;
}

namespace {

const char* row_word(int axis, int64_t n) {
  if (axis == 0) return n == 1 ? "row" : "rows";
  return n == 1 ? "column" : "columns";
}

// Input rows (not padding) that no window reads along one axis.
int64_t lost_input(const WindowAxis& a, const WindowResult& r) { return r.unread > a.pad_hi ? r.unread - a.pad_hi : 0; }

struct Fix {
  int64_t value;
  int64_t output;
};

// How far from the current value to look for an exact one.
constexpr int64_t kSearch = 64;

// The value nearest `current` in [lo, hi] and within kSearch of it (other than `current`; the
// larger first on a tie) that makes the window exact: span a multiple of the stride, so no row is
// left over. `axis_with` returns an axis with kernel 0 for a value that is not allowed.
template <typename MakeAxis>
std::optional<Fix> nearest_exact(int64_t current, int64_t lo, int64_t hi, MakeAxis axis_with) {
  for (int64_t dist = 1; dist <= kSearch; ++dist) {
    for (int64_t v : {current > INT64_MAX - dist ? INT64_MAX : current + dist, current - dist}) {
      if (v < lo || v > hi || v == current) continue;
      WindowAxis a = axis_with(v);
      if (a.kernel < 1) continue;
      WindowResult r = window_output(a);
      if (!r.overflow && r.output >= 1 && r.span % a.stride == 0) return Fix{v, r.output};
    }
  }
  return std::nullopt;
}

std::string inexact_help(const WindowOp& op, const WindowAxis& axis, int index, bool both_axes) {
  std::vector<std::string> fixes;
  std::optional<Fix> pad;
  if (op.symmetric_padding) {
    int64_t max_pad = op.is_pool ? axis.kernel / 2 : INT64_MAX;
    pad = nearest_exact(axis.pad_lo, 0, max_pad, [&](int64_t p) {
      WindowAxis a = axis;
      a.pad_lo = a.pad_hi = p;
      return a;
    });
    if (pad) fixes.push_back(fmt::format("padding {} (output {})", pad->value, pad->output));
  }
  auto stride = nearest_exact(axis.stride, 1, INT64_MAX, [&](int64_t s) {
    WindowAxis a = axis;
    a.stride = s;
    return a;
  });
  if (stride) fixes.push_back(fmt::format("stride {} (output {})", stride->value, stride->output));
  auto kernel = nearest_exact(axis.kernel, 1, INT64_MAX, [&](int64_t k) {
    WindowAxis a = axis;
    a.kernel = k;
    if (op.is_pool && a.pad_lo > k / 2) a.kernel = 0;  // pools need padding <= kernel/2
    return a;
  });
  if (kernel) fixes.push_back(fmt::format("kernel_size {} (output {})", kernel->value, kernel->output));
  std::string none = pad ? "" : fmt::format("; no padding makes it exact with kernel_size {} and stride {}", axis.kernel, axis.stride);
  if (!op.symmetric_padding) none.clear();
  if (fixes.empty()) return "";
  std::string list;
  for (size_t i = 0; i < fixes.size(); ++i) {
    if (i) list += i + 1 == fixes.size() ? " or " : ", ";
    list += fixes[i];
  }
  if (both_axes) return fmt::format("for an exact window, use {}{}", list, none);
  return fmt::format("for an exact window along the {}, use {}{}", index == 0 ? "height" : "width", list, none);
}

}  // namespace

bool infer_window(InferContext& ctx, const WindowOp& op, int64_t in_h, int64_t in_w, std::array<int64_t, 2>& out) {
  const int64_t input[2] = {in_h, in_w};
  WindowAxis axes[2];
  WindowResult results[2];
  for (int i = 0; i < 2; ++i) {
    axes[i] = WindowAxis{input[i], op.pads[i][0], op.pads[i][1], op.kernel[i], op.stride[i], op.dilation[i], op.ceil_mode};
    results[i] = window_output(axes[i]);
    if (results[i].overflow)
      return ctx.error("size-overflow", fmt::format("{}: the window arithmetic overflows 64-bit integers", ctx.what()),
                       "use realistic kernel_size, dilation and padding values");
  }
  const bool square = axes[0].input == axes[1].input && axes[0].pad_lo == axes[1].pad_lo && axes[0].pad_hi == axes[1].pad_hi &&
                      axes[0].kernel == axes[1].kernel && axes[0].stride == axes[1].stride &&
                      axes[0].dilation == axes[1].dilation;
  // With the same numbers on both axes, one diagnostic speaks for both.
  bool ok = true;
  for (int i = 0; i < (square ? 1 : 2); ++i) {
    if (results[i].output >= 1) continue;
    const WindowAxis& a = axes[i];
    const int64_t reach = a.dilation * (a.kernel - 1);  // window_output checked it
    const int64_t extent = reach == INT64_MAX ? INT64_MAX : reach + 1;
    int64_t needed_pad = (extent - a.input + 1) / 2;
    std::string help = op.is_pool ? "use a smaller kernel_size"
                                  : fmt::format("use a smaller kernel_size or dilation, or padding: {} or more", needed_pad);
    ok = ctx.error("kernel-too-large",
                   fmt::format("{}: the window spans {} {} but the padded input has only {} ({} + {} padding), so the "
                               "output {} would be {}",
                               ctx.what(), extent,
                               square ? fmt::format("{} and {}", row_word(0, extent), row_word(1, extent)) : row_word(i, extent),
                               a.input + a.pad_lo + a.pad_hi, a.input, a.pad_lo + a.pad_hi,
                               square ? "height and width" : i == 0 ? "height" : "width", results[i].output),
                   help, op.kernel_loc);
  }
  if (!ok) return false;

  if (square) {
    ctx.formulas.push_back("OH = OW = " + window_formula(axes[0], results[0]));
  } else {
    ctx.formulas.push_back("OH = " + window_formula(axes[0], results[0]));
    ctx.formulas.push_back("OW = " + window_formula(axes[1], results[1]));
  }

  for (int i = 0; i < (square ? 1 : 2); ++i) {
    const WindowAxis& a = axes[i];
    // Windows narrower than the stride skip rows between them by design (a 1x1 stride-2
    // shortcut); a leftover row at the end is then no news.
    if (a.dilation * (a.kernel - 1) + 1 < a.stride) continue;
    int64_t lost = lost_input(axes[i], results[i]);
    if (lost == 0) continue;
    std::string count = lost == 1 ? "" : std::to_string(lost) + " ";
    std::string what_is_lost = square ? fmt::format("{}{} and {}", count, row_word(0, lost), row_word(1, lost))
                                      : fmt::format("{}{}", count, row_word(i, lost));
    SourceLoc loc = op.stride_loc.line ? op.stride_loc : op.kernel_loc;
    ctx.warning("inexact-window",
                fmt::format("{}: the window does not fit the input exactly: {} + {} - {}*({}-1) - 1 = {} is not a multiple "
                            "of the stride {}, so the last {} of the input {} never read",
                            ctx.what(), a.input, padding_term(a), a.dilation, a.kernel, results[i].span, a.stride,
                            what_is_lost, lost == 1 && !square ? "is" : "are"),
                inexact_help(op, a, i, square), loc);
  }
  out = {results[0].output, results[1].output};
  return true;
}

namespace {

// "use groups: 4 or 6": the values nearest `groups` that divide both channel counts.
std::string groups_help(int64_t groups, int64_t in_channels, int64_t out_channels) {
  const int64_t common = std::gcd(in_channels, out_channels);
  if (common > (int64_t{1} << 20)) return "in_channels and out_channels must both be multiples of groups";
  int64_t below = 1, above = 0;
  for (int64_t d = 1; d <= common; ++d) {
    if (common % d != 0) continue;
    if (d < groups) below = d;
    if (d > groups && !above) above = d;
  }
  std::string help = above ? fmt::format("use groups: {} or {}", below, above) : fmt::format("use groups: {}", below);
  return help + fmt::format(" (groups must divide both {} and {})", in_channels, out_channels);
}

}  // namespace

bool check_groups(InferContext& ctx, int64_t channels, const Attr<int64_t>& out_channels_attr, const Attr<int64_t>& groups_attr) {
  const int64_t out_channels = out_channels_attr.value, groups = groups_attr.value;
  const bool in_divisible = channels % groups == 0, out_divisible = out_channels % groups == 0;
  if (!in_divisible && !out_divisible)
    return ctx.error("groups-mismatch",
                     fmt::format("{}: groups {} must divide both the {} channels of its input '{}' and out_channels {}", ctx.what(),
                                 groups, channels, ctx.input_name(), out_channels),
                     groups_help(groups, channels, out_channels), groups_attr.loc);
  if (!in_divisible)
    return ctx.error("groups-mismatch",
                     fmt::format("{}: its input '{}' has {} channels, which is not divisible by groups {}", ctx.what(),
                                 ctx.input_name(), channels, groups),
                     groups_help(groups, channels, out_channels), groups_attr.loc);
  if (!out_divisible) {
    const int64_t lower = out_channels / groups * groups;
    auto higher = checked::add(lower, groups);
    std::string help = lower > 0 && higher ? fmt::format("use out_channels: {} or {}", lower, *higher)
                       : higher            ? fmt::format("use out_channels: {}", *higher)
                                           : fmt::format("use out_channels: {}", lower);
    return ctx.error("groups-mismatch",
                     fmt::format("{}: out_channels {} is not divisible by groups {}", ctx.what(), out_channels, groups),
                     help + fmt::format(" (a multiple of groups {})", groups), out_channels_attr.loc);
  }
  return true;
}

ir::Expr padded_source(ref::PaddingMode mode, const ir::Expr& i, int64_t size) {
  using ir::Expr;
  Expr mapped = i;  // replicate: the clamp below; zeros: an in-bounds address for the masked load
  if (mode == ref::PaddingMode::reflect) mapped = ir::select(i < Expr(0), Expr(0) - i, ir::select(i >= Expr(size), Expr(2 * size - 2) - i, i));
  if (mode == ref::PaddingMode::circular) return i % Expr(size);
  // The clamp changes nothing for reflect (padding < size) but lets the verifier prove the bounds.
  return ir::max(ir::min(mapped, Expr(size - 1)), Expr(0));
}

bool count_macs(InferContext& ctx, std::initializer_list<int64_t> factors) {
  int64_t macs = 1;
  for (int64_t f : factors) {
    auto next = checked::mul(macs, f);
    if (!next) return ctx.error("size-overflow", fmt::format("{}: its multiply-add count overflows 64-bit integers", ctx.what()));
    macs = *next;
  }
  ctx.macs = macs;
  return true;
}

}  // namespace nnc
