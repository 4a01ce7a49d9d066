#include "graph/summary.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "support/printable.h"

namespace nnc {

std::string group_digits(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -static_cast<uint64_t>(n) : static_cast<uint64_t>(n));
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string format_bytes(double bytes) {
  static const std::array<const char*, 5> units = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = bytes;
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < units.size()) {
    value /= 1024;
    ++unit;
  }
  return unit == 0 ? fmt::format("{:.0f} B", bytes) : fmt::format("{:.1f} {}", value, units[unit]);
}

std::string format_summary(const Graph& graph, const std::string& path, const PlanFacts* plan) {
  struct Row {
    std::string layer, op, reads, shape, params, macs;
    const std::vector<std::string>* formulas;
  };
  std::vector<Row> rows;
  for (const Layer& layer : graph.layers) {
    std::vector<std::string> reads;
    for (const InputRef& ref : layer.inputs) reads.push_back(printable(ref.name));
    rows.push_back({printable(layer.name), printable(layer.op), fmt::format("{}", fmt::join(reads, ", ")),
                    layer.shape ? to_string(*layer.shape) : "?", group_digits(param_count(layer)), group_digits(layer.macs),
                    &layer.formulas});
  }
  const std::array<std::string, 6> headers = {"layer", "op", "reads", "output shape", "params", "MACs"};
  std::array<size_t, 6> width{};
  for (size_t c = 0; c < headers.size(); ++c) width[c] = headers[c].size();
  for (const Row& r : rows) {
    const std::array<const std::string*, 6> cells = {&r.layer, &r.op, &r.reads, &r.shape, &r.params, &r.macs};
    for (size_t c = 0; c < cells.size(); ++c) width[c] = std::max(width[c], cells[c]->size());
  }
  auto line = [&](const std::array<std::string, 6>& cells) {
    return fmt::format("  {:<{}}  {:<{}}  {:<{}}  {:<{}}  {:>{}}  {:>{}}\n", cells[0], width[0], cells[1], width[1], cells[2],
                       width[2], cells[3], width[3], cells[4], width[4], cells[5], width[5]);
  };

  std::string out = fmt::format("model '{}' ({})\ninput '{}': {}\n\n", printable(graph.name), printable(path), printable(graph.input_name),
                                to_string(graph.input_shape));
  out += line(headers);
  std::array<std::string, 6> rule;
  for (size_t c = 0; c < rule.size(); ++c) rule[c] = std::string(width[c], '-');
  out += line(rule);
  for (const Row& r : rows) {
    out += line({r.layer, r.op, r.reads, r.shape, r.params, r.macs});
    for (const std::string& f : *r.formulas) out += fmt::format("  {:<{}}    {}\n", "", width[0], printable(f));
  }

  GraphTotals t = totals(graph);
  out += "\n";
  if (graph.output >= 0 && graph.layers[graph.output].shape)
    out += fmt::format("output '{}': {}\n", printable(graph.layers[graph.output].name), to_string(*graph.layers[graph.output].shape));
  out += fmt::format("parameters: {} learnable", group_digits(t.params));
  if (t.stored != t.params) out += fmt::format(", {} stored with buffers", group_digits(t.stored));
  out += fmt::format(" ({} as float32)\n", format_bytes(t.stored * 4));
  out += fmt::format("MACs: {} per inference ({} FLOPs)\n", group_digits(t.macs), group_digits(checked::saturating_mul(2, t.macs)));
  out += fmt::format("largest activation: '{}', {} values ({})\n", printable(t.largest_activation_name),
                     group_digits(t.largest_activation), format_bytes(t.largest_activation * 4));
  if (plan)
    out += fmt::format("activation arena: {} ({} kernels after fusion; tensors share memory once dead)\n",
                       format_bytes(plan->arena_floats * 4), plan->kernels);
  return out;
}

}  // namespace nnc
