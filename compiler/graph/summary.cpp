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

namespace {

struct Row {
  std::string layer, op, reads, shape, params, macs;
  const std::vector<std::string>* formulas;
};

// The first `depth` components of a dotted name, or the whole name when it has no more.
std::string_view name_prefix(std::string_view name, int depth) {
  size_t end = 0;
  for (int d = 0; d < depth; ++d) {
    end = name.find('.', end);
    if (end == std::string_view::npos) return name;
    if (d + 1 < depth) ++end;
  }
  return name.substr(0, end);
}

std::string reads_of(const Layer& layer) {
  std::vector<std::string> reads;
  for (const InputRef& ref : layer.inputs) reads.push_back(printable(ref.name));
  return fmt::format("{}", fmt::join(reads, ", "));
}

// What the collapsed row of layers [first, last) named `name` is: one instance's block, the blocks of the instances
// just below it in order (`bottleneck_down, bottleneck x2`), or a count of layers.
std::string group_op(const Graph& graph, std::string_view name, size_t first, size_t last) {
  std::vector<std::pair<std::string, int>> runs;  // block, instances in a row
  for (const BlockInstance& instance : graph.instances) {
    if (instance.repeat || instance.first < first || instance.last > last) continue;
    if (instance.name == name) return "block " + instance.block;
    const std::string_view rest = std::string_view(instance.name).substr(std::min(instance.name.size(), name.size() + 1));
    if (!instance.name.starts_with(name) || instance.name[name.size()] != '.' || rest.find('.') != std::string_view::npos) continue;
    if (!runs.empty() && runs.back().first == instance.block) ++runs.back().second;
    else runs.emplace_back(instance.block, 1);
  }
  if (runs.empty()) return fmt::format("{} layers", last - first);
  if (runs.size() > 3) {
    std::vector<std::string> blocks;
    int instances = 0;
    for (const auto& [block, count] : runs) {
      instances += count;
      if (std::find(blocks.begin(), blocks.end(), block) == blocks.end()) blocks.push_back(block);
    }
    return fmt::format("{} instances of {} blocks", instances, blocks.size());
  }
  std::vector<std::string> parts;
  for (const auto& [block, count] : runs) parts.push_back(count == 1 ? block : fmt::format("{} x{}", block, count));
  return fmt::format("{}", fmt::join(parts, ", "));
}

std::vector<Row> summary_rows(const Graph& graph, int depth) {
  std::vector<Row> rows;
  static const std::vector<std::string> no_formulas;
  for (size_t i = 0; i < graph.layers.size();) {
    const Layer& layer = graph.layers[i];
    const std::string_view group = depth > 0 ? name_prefix(layer.name, depth) : std::string_view(layer.name);
    size_t end = i + 1;
    if (group.size() < layer.name.size())
      while (end < graph.layers.size() && name_prefix(graph.layers[end].name, depth) == group && graph.layers[end].name.size() > group.size()) ++end;
    if (end == i + 1 && group.size() == layer.name.size()) {
      rows.push_back({printable(layer.name), printable(layer.op), reads_of(layer), layer.shape ? to_string(*layer.shape) : "?",
                      group_digits(param_count(layer)), group_digits(layer.macs), &layer.formulas});
      ++i;
      continue;
    }
    int64_t params = 0, macs = 0;
    for (size_t j = i; j < end; ++j) {
      params += param_count(graph.layers[j]);
      macs = checked::saturating_add(macs, graph.layers[j].macs);
    }
    const Layer& last = graph.layers[end - 1];
    rows.push_back({printable(std::string(group)), group_op(graph, group, i, end), reads_of(layer), last.shape ? to_string(*last.shape) : "?",
                    group_digits(params), group_digits(macs), &no_formulas});
    i = end;
  }
  return rows;
}

}  // namespace

std::string format_summary_header(const Graph& graph, const std::string& path) {
  const GraphTotals t = totals(graph);
  return fmt::format("model '{}' ({}): {} layers, {} parameters, {} MACs\ninput '{}': {}\n", printable(graph.name), printable(path),
                     group_digits(static_cast<int64_t>(graph.layers.size())), group_digits(t.params), group_digits(t.macs),
                     printable(graph.input_name), to_string(graph.input_shape));
}

std::string format_summary(const Graph& graph, const std::string& path, const PlanFacts* plan, int depth) {
  const std::vector<Row> rows = summary_rows(graph, depth);
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
