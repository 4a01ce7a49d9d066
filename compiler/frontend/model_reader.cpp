#include "frontend/model_reader.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <unordered_map>
#include <unordered_set>

#include "frontend/flow_yaml.h"
#include "frontend/model_reader_impl.h"
#include "frontend/yaml_errors.h"
#include "graph/op_schema.h"
#include "support/suggest.h"

namespace nnc {
namespace reading {

SourceLoc ModelReader::at(const YAML::Node& node) const {
  if (via_alias_) return *via_alias_;
  const YAML::Mark mark = node.Mark();
  if (mark.line < 0) return {};
  SourceLoc loc{mark.line + 1, mark.column + 1, 0};
  loc.length = file_.token_length(loc.line, loc.column);
  return loc;
}

SourceLoc ModelReader::at_entry(const Entry& entry) const {
  SourceLoc key = at(entry.first);
  SourceLoc value = at(entry.second);
  // yaml-cpp marks an empty value at 0:0, a block value starts on a later line, and an alias
  // `key: *name` carries its anchor's Mark.
  if (key.line == 0) return key;
  if (value.line == key.line && value.column > key.column) {
    key.length = value.column + value.length - key.column;
    return key;
  }
  const std::string_view line = file_.line(key.line);
  size_t i = static_cast<size_t>(key.column - 1 + key.length);  // just past the key
  if (i < line.size() && line[i] == ':') ++i;
  const size_t colon_end = i;
  while (i < line.size() && line[i] == ' ') ++i;
  if (i < line.size() && line[i] == '*')
    key.length = static_cast<int>(i) - (key.column - 1) + file_.token_length(key.line, static_cast<int>(i) + 1);
  else if (entry.second.IsNull())
    key.length = static_cast<int>(colon_end) - (key.column - 1);
  else
    key.length = file_.rest_of_line_length(key.line, key.column);
  return key;
}

SourceLoc ModelReader::at_value(const YAML::Node& value, const Entry& entry) const {
  // Anchors come before their aliases, so a value marked before its key is an alias.
  if (value.Mark().pos > entry.first.Mark().pos && at(value).line) return at(value);
  return at_entry(entry);
}

SourceLoc ModelReader::alias_at(const YAML::Node& node, SourceLoc from) const {
  const SourceLoc anchor = at(node);
  const std::string_view text = file_.line(anchor.line);
  if (via_alias_ || anchor.column < 1 || static_cast<size_t>(anchor.column) > text.size() || text[anchor.column - 1] != '&')
    return anchor;
  const size_t end = std::min(text.size(), text.find_first_of(" \t,[]{}", anchor.column));
  const std::string alias = "*" + std::string(text.substr(anchor.column, end - anchor.column));
  for (int n = std::max(from.line, 1); n <= file_.line_count(); ++n) {
    const std::string_view line = file_.line(n);
    size_t pos = n == from.line ? static_cast<size_t>(std::max(from.column, 0)) : 0;
    while ((pos = line.find(alias, pos)) != std::string_view::npos) {
      const size_t after = pos + alias.size();
      if (after == line.size() || (line[after] != '\0' && std::strchr(" \t,]}#", line[after])))
        return {n, static_cast<int>(pos) + 1, static_cast<int>(alias.size())};
      pos = after;
    }
  }
  return anchor;
}

SourceLoc ModelReader::empty_item_at(SourceLoc next) const {
  if (via_alias_) return next;
  for (int n = next.line; n >= 1; --n) {
    std::string_view text = file_.line(n);
    if (n == next.line) text = text.substr(0, static_cast<size_t>(std::max(next.column - 1, 0)));
    const size_t comment = text.find(" #");
    if (comment != std::string_view::npos) text = text.substr(0, comment);
    const size_t first = text.find_first_not_of(" \t"), last = text.find_last_not_of(" \t");
    if (first == std::string_view::npos || text[first] == '#') continue;
    if (text[last] == '-') return {n, static_cast<int>(last) + 1, 1};
    break;
  }
  return next;
}

bool ModelReader::is_self_alias(const YAML::Node& item, const YAML::Node& container, const std::string& what) {
  if (!item.is(container)) return false;
  diags_.error("recursive-alias", alias_at(container, at(container)), fmt::format("{} is an alias of the node that contains it", what),
               "write the value out; an alias may not refer to the node that contains it");
  return true;
}

bool ModelReader::spend(size_t amount, const YAML::Node& node) {
  if (over_budget_) return false;
  if (amount <= budget_) {
    budget_ -= amount;
    return true;
  }
  over_budget_ = true;
  diags_.error("alias-expansion", at(node), "through its aliases, this file expands to far more than it holds; nnc stops reading here",
               "write the model out with fewer aliases of large nodes");
  return false;
}

std::string ModelReader::describe(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "nothing";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a mapping";
  std::string text = node.Scalar();
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  return "'" + text + "'";
}

std::vector<Entry> ModelReader::entries(const YAML::Node& map) {
  std::vector<Entry> out;
  if (!spend(map.size(), map)) return out;
  std::unordered_map<std::string, size_t> seen;
  for (auto it = map.begin(); it != map.end(); ++it) {
    Entry entry{it->first, it->second};
    if (!entry.first.IsScalar()) {
      diags_.error("wrong-type", at(entry.first), "a key must be a plain word, not " + describe(entry.first));
      continue;
    }
    if (entry.first.Scalar() == "<<" && entry.first.Tag() != "!") {
      // yaml-cpp 0.7 reads a YAML 1.1 merge key as an ordinary key named "<<".
      diags_.error("unknown-key", at_entry(entry), "merge keys (`<<: *name`) are not supported",
                   "write the keys out, or repeat a whole layer with `- *name`");
      continue;
    }
    if (is_self_alias(entry.second, map, fmt::format("the value of '{}'", entry.first.Scalar()))) continue;
    auto [first, inserted] = seen.emplace(entry.first.Scalar(), out.size());
    if (!inserted) {
      const SourceLoc before = at(out[first->second].first), here = at(entry.first);
      diags_.error("duplicate-key", at_entry(entry),
                   fmt::format("'{}' is given twice in this mapping (first at {} {})", entry.first.Scalar(),
                               before.line == here.line ? "column" : "line", before.line == here.line ? before.column : before.line),
                   "remove one of them: YAML keeps only one, and which one differs between tools");
      continue;
    }
    out.push_back(entry);
  }
  return out;
}

std::optional<std::string> ModelReader::read_string(const Entry& entry, const std::string& owner) {
  if (!entry.second.IsScalar()) {
    diags_.error("wrong-type", at_entry(entry),
                 fmt::format("{}{} must be a single word or a quoted string, but it is {}", owner, entry.first.Scalar(),
                             describe(entry.second)));
    return std::nullopt;
  }
  if (!spend(entry.second.Scalar().size(), entry.second)) return std::nullopt;
  if (entry.second.Scalar().size() > kMaxName) {
    diags_.error("bad-value", at_entry(entry),
                 fmt::format("{}{} is {} characters long, more than the {} nnc accepts", owner, entry.first.Scalar(),
                             entry.second.Scalar().size(), kMaxName));
    return std::nullopt;
  }
  return entry.second.Scalar();
}

// An integer scalar; `what` names it in messages ("kernel_size", "input shape entry").
std::optional<int64_t> ModelReader::read_int(const YAML::Node& node, const Entry& entry, const std::string& what) {
  const SourceLoc loc = at_value(node, entry);
  const bool quoted = node.IsScalar() && node.Tag() == "!";
  if (!node.IsScalar() || quoted) {
    std::string help;
    int64_t unquoted = 0;
    if (quoted) {
      const std::string& text = node.Scalar();
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), unquoted);
      if (ec == std::errc() && end == text.data() + text.size()) help = fmt::format("write the number without quotes: {}", text);
    }
    diags_.error("wrong-type", loc, fmt::format("{} must be an integer, but it is {}{}", what, quoted ? "the string " : "", describe(node)), help);
    return std::nullopt;
  }
  const std::string& text = node.Scalar();
  int64_t value = 0;
  const char* begin = text.data() + (text.size() > 1 && text[0] == '+' ? 1 : 0);
  auto [end, ec] = std::from_chars(begin, text.data() + text.size(), value);
  if (ec == std::errc::result_out_of_range) {
    diags_.error("bad-value", loc, fmt::format("{} is {}, which does not fit in a 64-bit integer", what, text));
    return std::nullopt;
  }
  if (ec != std::errc() || end != text.data() + text.size()) {
    std::string help;
    double d = 0;
    auto [fend, fec] = std::from_chars(text.data(), text.data() + text.size(), d);
    if (fec == std::errc() && fend == text.data() + text.size() && std::isfinite(d)) help = "sizes are whole numbers";
    diags_.error("wrong-type", loc, fmt::format("{} must be an integer, but it is {}", what, describe(node)), help);
    return std::nullopt;
  }
  return value;
}

std::string ModelReader::layer_title(const Layer& layer) const {
  return layer.op.empty() ? fmt::format("layer '{}'", layer.name) : fmt::format("{} '{}'", layer.op, layer.name);
}

std::vector<std::string> ModelReader::op_names() const {
  std::vector<std::string> names;
  for (const OpSchema* op : ops_) names.push_back(op->name);
  return names;
}

const std::string& ModelReader::unknown_op_suggestion(const std::string& op) {
  auto [it, added] = unknown_op_suggestions_.try_emplace(op);
  if (!added) return it->second;
  it->second = did_you_mean(op, op_names());
  const OpSchema* known_as = op_known_as(op);
  if (it->second.empty() && known_as) it->second = " (did you mean '" + known_as->name + "'?)";
  return it->second;
}

const std::string& ModelReader::unknown_op_help() {
  if (unknown_op_help_.empty()) unknown_op_help_ = fmt::format("the ops are: {}", fmt::join(op_names(), ", "));
  return unknown_op_help_;
}

const OpSchema* ModelReader::op_known_as(std::string_view name) const {
  std::string lower(name);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const OpSchema* op : ops_)
    if (std::find(op->suggested_for.begin(), op->suggested_for.end(), lower) != op->suggested_for.end()) return op;
  return nullptr;
}

Graph ModelReader::read(const YAML::Node& root, const std::string& default_name) {
  Graph graph;
  graph.name = default_name;
  if (!root.IsDefined() || root.IsNull()) {
    diags_.error("empty-file", {1, 1, 1}, "the file holds no model",
                 "a model needs at least `input: {shape: [...]}` and a list of `layers:`");
    return graph;
  }
  if (!root.IsMap()) {
    diags_.error("not-a-mapping", at(root), "a model file must be a mapping with `input:` and `layers:`, but this is " + describe(root),
                 root.IsSequence() ? "put the list under `layers:`, and add `input: {shape: [...]}` with the input's shape" : "");
    return graph;
  }
  static const std::vector<std::string> top_keys = {"name", "input", "weights", "args", "blocks", "layers", "output"};
  bool has_input = false;
  std::optional<Entry> output_entry, args_entry, blocks_entry, layers_entry;
  for (const Entry& entry : entries(root)) {
    const std::string& key = entry.first.Scalar();
    if (key == "name") {
      if (auto v = read_string(entry, "the model's ")) graph.name = *v;
    } else if (key == "weights") {
      auto v = read_string(entry, "");
      if (v && v->empty())
        diags_.error("bad-value", at_entry(entry), "weights is an empty path",
                     "write the safetensors file's path, relative to this model file, or leave weights out to have the "
                     "parameters seeded");
      else if (v)
        graph.weights = *v;
    } else if (key == "input") {
      has_input = true;
      read_input(entry, graph);
    } else if (key == "layers") {
      layers_entry = entry;
    } else if (key == "output") {
      output_entry = entry;
    } else if (key == "args") {
      args_entry = entry;
    } else if (key == "blocks") {
      blocks_entry = entry;
    } else {
      diags_.error("unknown-key", at_entry(entry),
                   fmt::format("unknown key '{}' at the top of the model{}", key, did_you_mean(key, top_keys)),
                   "the top-level keys are name, input, weights, args, blocks, layers and output");
    }
  }
  if (!has_input)
    diags_.error("missing-key", at(root), "the model has no `input:`", "add `input: {shape: [1, 1, 28, 28]}` with your input's shape");
  if (!layers_entry)
    diags_.error("missing-key", at(root), "the model has no `layers:`", "add `layers:` with a list of layers, e.g. `- op: relu`");
  // Arguments and blocks first: the layers use them, wherever they are written.
  read_model_args(args_entry ? &*args_entry : nullptr);
  if (blocks_entry) read_blocks(*blocks_entry);
  model_scope_.input.reset();
  if (layers_entry) read_layers(*layers_entry, graph);
  std::optional<InputRef> output;
  if (output_entry) {
    if (auto v = read_string(*output_entry, "")) output = InputRef{*v, at_entry(*output_entry)};
  }
  resolve(graph, output);
  return graph;
}

void ModelReader::read_input(const Entry& entry, Graph& graph) {
  graph.input_loc = at_entry(entry);
  const YAML::Node& node = entry.second;
  if (!node.IsMap()) {
    std::string help = node.IsSequence() ? "write `input: {shape: [...]}`: the shape goes under `shape:`" : "";
    diags_.error("wrong-type", at_entry(entry), "input must be a mapping with `shape:` (and optionally `name:`), but it is " + describe(node), help);
    return;
  }
  static const std::vector<std::string> keys = {"shape", "name"};
  bool has_shape = false;
  for (const Entry& e : entries(node)) {
    const std::string& key = e.first.Scalar();
    if (key == "name") {
      if (auto v = read_string(e, "the input's ")) graph.input_name = *v;
    } else if (key == "shape") {
      has_shape = true;
      graph.input_loc = at_entry(e);
      if (!e.second.IsSequence() || e.second.size() < 2) {
        diags_.error("wrong-type", at_entry(e), "the input shape must be a list of at least 2 sizes, e.g. [1, 1, 28, 28] (N, C, H, W) or [1, 784], but it is " + describe(e.second));
        continue;
      }
      Shape shape;
      bool ok = spend(e.second.size(), e.second);
      for (size_t i = 0; ok && i < e.second.size(); ++i) {
        if (is_self_alias(e.second[i], e.second, fmt::format("input shape entry {}", i))) {
          ok = false;
          break;
        }
        auto d = read_int(e.second[i], e, fmt::format("input shape entry {}", i));
        if (d && *d < 1) {
          diags_.error("bad-value", at_value(e.second[i], e), fmt::format("input shape entry {} is {}, but sizes must be at least 1", i, *d));
          d.reset();
        }
        ok = ok && d.has_value();
        if (d) shape.push_back(*d);
      }
      if (ok && !element_count(shape)) {
        diags_.error("size-overflow", at_entry(e), fmt::format("the input shape {} has more than 2^56 elements, more than nnc can address", to_string(shape)));
        ok = false;
      }
      if (ok) graph.input_shape = shape;
    } else {
      diags_.error("unknown-key", at_entry(e), fmt::format("unknown key '{}' in input{}", key, did_you_mean(key, keys)),
                   "input takes shape and name");
    }
  }
  if (!has_shape) diags_.error("missing-key", at_entry(entry), "input has no shape", "add `shape: [N, C, H, W]` under input");
}

void ModelReader::read_layers(const Entry& entry, Graph& graph) {
  const YAML::Node& list = entry.second;
  if (!list.IsSequence() || list.size() == 0) {
    diags_.error(list.IsSequence() ? ErrorCode("empty-layers") : ErrorCode("wrong-type"), at_entry(entry),
                 "layers must be a non-empty list, but it is " + (list.IsSequence() ? std::string("empty") : describe(list)),
                 "write each layer as a list item under layers, e.g. `- op: relu`");
    return;
  }
  if (list.size() > kMaxLayers) {
    diags_.error("too-many-layers", at_entry(entry),
                 fmt::format("the model has {} layers, more than nnc's limit of {}", list.size(), kMaxLayers),
                 "split the network into several models");
    return;
  }
  if (!spend(list.size(), list)) return;
  InputRef previous{graph.input_name, at(list), InputRef::kModelInput};
  read_list(list, model_scope_, graph, previous);
}

void ModelReader::read_list(const YAML::Node& list, const Scope& scope, Graph& graph, InputRef& previous) {
  DiagnosticEngine::NoteScope notes(diags_, scope.notes);
  SourceLoc cursor = at(list);
  int last_pos = list.Mark().pos;
  for (size_t i = 0; i < list.size() && !over_budget_ && !too_many_layers_; ++i) {
    const YAML::Node item = list[i];
    // `- *block` repeats a layer anchored earlier; its marks are the anchor's, so every message
    // about it goes to the alias instead.
    if (item.Mark().pos <= last_pos && !item.is(list)) via_alias_ = cursor = alias_at(item, cursor);
    else if (!item.is(list)) cursor = at(item);
    last_pos = std::max(last_pos, item.Mark().pos);
    std::vector<Entry> fields;
    if (item.IsMap() && !item.is(list)) fields = entries(item);
    const bool instance = std::any_of(fields.begin(), fields.end(), [](const Entry& e) { return e.first.Scalar() == "block"; });
    if (instance) {
      read_instance(fields, i, scope, graph, previous);
      via_alias_.reset();
      continue;
    }
    if (!layers_fit(1, at(item), graph)) break;
    Layer layer = read_layer(item, fields, i, list, scope);
    via_alias_.reset();
    // A layer that names no input reads the one before it, unless its op reads a list or nothing.
    if (layer.inputs.empty() && !(layer.schema && (layer.schema->inputs == InputForm::List || layer.schema->inputs == InputForm::None)))
      layer.inputs.push_back({previous.name, layer.loc, previous.layer});
    layer.instance = scope.instance;
    layer.origin = scope.notes;
    const int index = static_cast<int>(graph.layers.size());
    names_.emplace(layer.name, index);
    previous = {layer.name, layer.loc, index};
    graph.layers.push_back(std::move(layer));
  }
}

Layer ModelReader::read_layer(const YAML::Node& item, const std::vector<Entry>& fields, size_t index, const YAML::Node& list,
                              const Scope& scope) {
  Layer layer;
  layer.name = scope.prefix + std::to_string(index);
  layer.loc = item.IsNull() ? empty_item_at(at(item)) : at(item);
  name_locs_.push_back(layer.loc);
  if (item.is(list)) {
    // `layers: &l [*l]` makes the list its own item.
    layer.loc = name_locs_.back() = alias_at(list, at(list));
    diags_.error("recursive-alias", layer.loc, fmt::format("layer {} is an alias of the layers list itself", index),
                 "write the layer out; an alias may not refer to the node that contains it");
    layer.valid = false;
    return layer;
  }
  if (!item.IsMap()) {
    std::string help;
    if (item.IsScalar() && find_schema(ops_, item.Scalar())) help = fmt::format("write `- op: {}`", item.Scalar());
    diags_.error("not-a-mapping", layer.loc, fmt::format("layer {} must be a mapping such as `- op: relu`, but it is {}", index, describe(item)), help);
    layer.valid = false;
    return layer;
  }
  // The name and op first, so every later message can say which layer it is about.
  for (const Entry& e : fields) {
    const std::string& key = e.first.Scalar();
    if (key == "name") {
      if (auto v = read_string(e, "a layer's ")) {
        layer.name = scope.prefix + *v;
        layer.named = true;
        name_locs_.back() = at_entry(e);
      }
    } else if (key == "op") {
      layer.loc = at_entry(e);
      auto op = substitute(e.second, scope, at_entry(e));  // `op: $act`
      if (!op) {
        layer.valid = false;
        continue;
      }
      if (auto v = read_string({e.first, *op}, "a layer's ")) layer.op = *v;
    }
  }
  if (layer.op.empty() && !layer.valid) return layer;  // `op:` reported already
  if (layer.op.empty()) {
    if (!fields.empty()) layer.loc = at_entry(fields.front());
    diags_.error("missing-key", layer.loc, fmt::format("layer '{}' has no op", layer.name),
                 "start the layer with `- op: NAME`, e.g. `- op: conv2d`");
    layer.valid = false;
  } else {
    layer.schema = find_schema(ops_, layer.op);
    if (layer.schema) {
      layer.op = layer.schema->name;  // an alias reads as the op it names
    } else {
      diags_.error("unknown-op", layer.loc, fmt::format("unknown op '{}' in layer '{}'{}", layer.op, layer.name, unknown_op_suggestion(layer.op)),
                   unknown_op_help());
      layer.valid = false;
    }
  }

  std::vector<std::string> keys = {"op", "name"};
  if (layer.schema) {
    if (reads_one(layer.schema->inputs)) keys.push_back("input");
    if (reads_list(layer.schema->inputs)) keys.push_back("inputs");
    for (const AttrSpec& spec : layer.schema->attrs.specs) keys.push_back(spec.name);
  }
  // Attributes already reported: given with a bad value, or misspelt with a suggestion. They are
  // not reported missing as well.
  std::vector<std::string> reported;
  for (const Entry& e : fields) {
    const std::string& key = e.first.Scalar();
    if (key == "op" || key == "name") continue;
    if (key == "input" || key == "inputs") {
      read_inputs(layer, e, scope);
      continue;
    }
    if (!layer.schema) continue;  // no schema to check against
    const AttrSpec* spec = nullptr;
    for (const AttrSpec& s : layer.schema->attrs.specs)
      if (s.name == key) spec = &s;
    if (spec) {
      reported.push_back(spec->name);
      auto value = substitute(e.second, scope, at_entry(e));
      if (!value) {
        layer.valid = false;
        continue;
      }
      read_attr(layer, *spec, e, *value);
      if (options_.keep_written && layer.attrs.has(spec->name)) layer.written += fmt::format("{}{}: {}", layer.written.empty() ? "" : ", ", key, flow_text(*value));
      continue;
    }
    if (auto match = closest_match(key, keys)) reported.push_back(*match);
    std::string help = layer.schema->attrs.specs.empty() ? fmt::format("{} takes no attributes", layer.op) : fmt::format("{} takes: {}", layer.op, [&] {
      std::vector<std::string> names;
      for (const AttrSpec& s : layer.schema->attrs.specs) names.push_back(s.name);
      return fmt::format("{}", fmt::join(names, ", "));
    }());
    diags_.error("unknown-key", at_entry(e), fmt::format("{} has no attribute '{}'{}", layer_title(layer), key, did_you_mean(key, keys)), help);
  }
  if (!layer.schema) return layer;

  auto written = [&](const std::string& key) {
    return std::any_of(fields.begin(), fields.end(), [&](const Entry& e) { return e.first.Scalar() == key; });
  };
  for (const AttrSpec& spec : layer.schema->attrs.specs) {
    if (layer.attrs.has(spec.name)) continue;
    if (written(spec.name)) continue;  // given but unreadable: reported already
    if (spec.required) {
      if (std::find(reported.begin(), reported.end(), spec.name) == reported.end())
        diags_.error("missing-key", layer.loc, fmt::format("{} needs {}", layer_title(layer), spec.name),
                     fmt::format("add `{}:` ({})", spec.name, spec.hint));
      layer.valid = false;
      continue;
    }
    layer.attrs.set(spec.name, default_value(spec, layer.attrs));
  }
  if (layer.valid) layer.typed_attrs = layer.schema->attrs.decode(layer.attrs);
  if (layer.schema->inputs == InputForm::List && layer.inputs.empty() && layer.valid) {
    diags_.error("missing-key", layer.loc, fmt::format("{} needs `inputs:`, the layers it joins", layer_title(layer)),
                 fmt::format("add `inputs: [a, b]` naming {} or more earlier layers (or the model input)", layer.schema->min_inputs == 1 ? "one" : "two"));
    layer.valid = false;
  }
  return layer;
}

void ModelReader::read_inputs(Layer& layer, const Entry& e, const Scope& scope) {
  const std::string& key = e.first.Scalar();
  if (layer.schema && layer.schema->inputs == InputForm::None) {
    diags_.error("unknown-key", at_entry(e), fmt::format("{} reads nothing, so it takes no `{}`", layer_title(layer), key),
                 fmt::format("remove `{}`: a {} is a value of its own, which later layers read by its name", key, layer.op));
    layer.valid = false;
    return;
  }
  if (layer.schema && (key == "inputs" ? !reads_list(layer.schema->inputs) : !reads_one(layer.schema->inputs))) {
    std::string right = reads_list(layer.schema->inputs) ? "inputs: [a, b]" : "input: NAME";
    diags_.error("unknown-key", at_entry(e), fmt::format("{} reads `{}`, not `{}`", layer_title(layer), right, key),
                 fmt::format("write `{}`", right));
    layer.valid = false;
    return;
  }
  if (key == "input") {
    std::optional<InputRef> ref;
    if (auto v = read_string(e, layer_title(layer) + ": ")) ref = reference(*v, at_entry(e), scope);
    if (ref)
      layer.inputs.push_back(*ref);
    else
      layer.valid = false;
    return;
  }
  if (!e.second.IsSequence()) {
    diags_.error("wrong-type", at_entry(e), fmt::format("{}: inputs must be a list of layer names, but it is {}", layer_title(layer), describe(e.second)),
                 "write `inputs: [a, b]`");
    layer.valid = false;
    return;
  }
  size_t min_inputs = layer.schema ? layer.schema->min_inputs : 1;
  size_t max_inputs = layer.schema ? layer.schema->max_inputs : 0;
  const std::string example = min_inputs > 2 ? "inputs: [a, b, c]" : "inputs: [a, b]";
  if (e.second.size() < min_inputs) {
    diags_.error("bad-value", at_entry(e), fmt::format("{} needs {} {} input{}, but it has {}", layer_title(layer), max_inputs == min_inputs ? "exactly" : "at least", min_inputs, min_inputs == 1 ? "" : "s", e.second.size()),
                 fmt::format("list {}{} layers (or the model input), e.g. `{}`{}", min_inputs, max_inputs == min_inputs ? "" : " or more", example,
                             layer.schema && reads_one(layer.schema->inputs) ? ", or read one with `input: NAME`" : ""));
    layer.valid = false;
    return;
  }
  if (max_inputs && e.second.size() > max_inputs) {
    diags_.error("bad-value", at_entry(e), fmt::format("{} takes exactly {} inputs, but it has {}", layer_title(layer), max_inputs, e.second.size()),
                 fmt::format("list {} layers (or the model input), e.g. `{}`; chain layers for more", max_inputs, example));
    layer.valid = false;
    return;
  }
  if (!spend(e.second.size(), e.second)) {
    layer.valid = false;
    return;
  }
  if (e.second.size() > kMaxInputs) {
    diags_.error("too-many-inputs", at_entry(e),
                 fmt::format("{} joins {} tensors, more than nnc's limit of {}", layer_title(layer), e.second.size(), kMaxInputs),
                 fmt::format("join them in stages of at most {} (a layer per stage, the next one reading its result)", kMaxInputs));
    layer.valid = false;
    return;
  }
  for (size_t i = 0; i < e.second.size(); ++i) {
    const YAML::Node& n = e.second[i];
    if (is_self_alias(n, e.second, fmt::format("{}: inputs entry {}", layer_title(layer), i))) {
      layer.valid = false;
      return;
    }
    if (!n.IsScalar() || n.Scalar().size() > kMaxName) {
      diags_.error("wrong-type", at_value(n, e), fmt::format("{}: inputs entry {} must be a layer name, but it is {}", layer_title(layer), i, describe(n)));
      layer.valid = false;
      continue;
    }
    if (!spend(n.Scalar().size(), n)) {
      layer.valid = false;
      return;
    }
    if (auto ref = reference(n.Scalar(), at_value(n, e), scope))
      layer.inputs.push_back(*ref);
    else
      layer.valid = false;
  }
}

std::optional<InputRef> ModelReader::reference(const std::string& name, SourceLoc loc, const Scope& scope) {
  if (name == "$input") {
    if (scope.input) return InputRef{scope.input->name, loc, scope.input->layer};
    diags_.error("input-outside-block", loc, "`$input` is the tensor a block instance reads, but this layer is not in a block",
                 "name the layer to read, or the model input");
    return std::nullopt;
  }
  if (name.starts_with('$')) {
    diags_.error("bad-expression", loc, fmt::format("'{}' names no tensor: `$input` is the only `$` name a layer reads", name),
                 "name a layer, or write `$input` for the tensor the block instance reads");
    return std::nullopt;
  }
  // Inside a block, names are the block's own layers; the model input stays the model input.
  const std::string full = scope.prefix + name;
  auto it = names_.find(full);
  return InputRef{full, loc, it == names_.end() ? InputRef::kUnresolved : it->second};
}

void ModelReader::read_attr(Layer& layer, const AttrSpec& spec, const Entry& e, const YAML::Node& node) {
  const std::string what = fmt::format("{}: {}", layer_title(layer), spec.name);
  AttrValue v;
  v.type = spec.type;
  v.given = true;
  v.loc = at_entry(e);
  bool ok = true;

  auto check_min = [&](int64_t value, const YAML::Node& at_node) {
    if (!spec.min_int || value >= *spec.min_int) return true;
    diags_.error("bad-value", at(at_node).line ? at_entry(e) : v.loc,
                 fmt::format("{} is {}, but it must be at least {}", what, value, *spec.min_int),
                 fmt::format("use {} or more", *spec.min_int));
    return false;
  };
  // An int, or a pair [h, w] whose entries may be null when `allow_null`.
  auto read_size2 = [&](bool allow_null) {
    if (node.IsSequence()) {
      if (node.size() != 2) {
        diags_.error("wrong-type", v.loc, fmt::format("{} must be one size or a pair [h, w], but the list has {} entries", what, node.size()));
        return false;
      }
      bool both = true;
      for (int i = 0; i < 2; ++i) {
        if (is_self_alias(node[i], node, fmt::format("{}[{}]", what, i))) return false;
        if (allow_null && node[i].IsNull()) {
          v.keep[i] = true;
          continue;
        }
        auto x = read_int(node[i], e, fmt::format("{}[{}]", what, i));
        both = both && x && check_min(*x, node);
        if (x) v.ints[i] = *x;
      }
      return both;
    }
    auto x = read_int(node, e, what);
    if (!x || !check_min(*x, node)) return false;
    v.ints = {*x, *x};
    return true;
  };
  // One int, or a non-empty list of them.
  auto read_int_list = [&] {
    if (!node.IsSequence()) {
      auto x = read_int(node, e, what);
      if (x) v.list = {*x};
      return x && check_min(*x, node);
    }
    if (node.size() == 0) {
      diags_.error("bad-value", v.loc, fmt::format("{} must be one size or a list of sizes, but the list is empty", what),
                   fmt::format("write {}: 8 or {}: [4, 8]", spec.name, spec.name));
      return false;
    }
    if (!spend(node.size(), node)) return false;
    bool all = true;
    for (size_t i = 0; i < node.size(); ++i) {
      if (is_self_alias(node[i], node, fmt::format("{}[{}]", what, i))) return false;
      auto x = read_int(node[i], e, fmt::format("{}[{}]", what, i));
      all = all && x && check_min(*x, node);
      if (x) v.list.push_back(*x);
    }
    return all;
  };
  auto read_number = [&](const YAML::Node& n, const std::string& label, const std::string& help) -> std::optional<double> {
    const std::string text = n.IsScalar() ? n.Scalar() : "";
    double x = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), x);
    if (!n.IsScalar() || n.Tag() == "!" || ec != std::errc() || end != text.data() + text.size() || !std::isfinite(x)) {
      diags_.error("wrong-type", v.loc, fmt::format("{} must be a finite number, but it is {}", label, describe(n)), help);
      return std::nullopt;
    }
    return x;
  };
  // A number, or a pair [h, w] of them.
  auto read_scale2 = [&] {
    const std::string help = fmt::format("write {}: 2 or {}: [2, 1.5]", spec.name, spec.name);
    if (!node.IsSequence()) {
      auto x = read_number(node, what, help);
      if (x) v.numbers = {*x, *x};
      return x.has_value();
    }
    if (node.size() != 2) {
      diags_.error("wrong-type", v.loc, fmt::format("{} must be one number or a pair [h, w], but the list has {} entries", what, node.size()), help);
      return false;
    }
    bool both = true;
    for (int i = 0; i < 2; ++i) {
      if (is_self_alias(node[i], node, fmt::format("{}[{}]", what, i))) return false;
      auto x = read_number(node[i], fmt::format("{}[{}]", what, i), help);
      both = both && x;
      if (x) v.numbers[static_cast<size_t>(i)] = *x;
    }
    return both;
  };
  auto read_word = [&](const std::vector<std::string>& choices) {
    if (node.IsScalar()) {
      for (const auto& c : choices)
        if (node.Scalar() == c) {
          v.word = c;
          return true;
        }
    }
    diags_.error("bad-value", v.loc,
                 fmt::format("{} must be one of {}, but it is {}{}", what, fmt::join(choices, ", "), describe(node),
                             node.IsScalar() ? did_you_mean(node.Scalar(), choices) : ""));
    return false;
  };

  switch (spec.type) {
    case AttrType::Int: {
      if (spec.null_default && node.IsNull()) {  // as if left out
        v.given = false;
        break;
      }
      auto x = read_int(node, e, what);
      ok = x && check_min(*x, node);
      if (x) v.ints = {*x, *x};
      break;
    }
    case AttrType::Size2:
      ok = read_size2(false);
      break;
    case AttrType::OutputSize:
      ok = read_size2(true);
      break;
    case AttrType::Padding:
      if (node.IsScalar() && !node.Scalar().empty() && std::isalpha(static_cast<unsigned char>(node.Scalar()[0])))
        ok = read_word(spec.choices);
      else
        ok = read_size2(false);
      break;
    case AttrType::Bool: {
      static const std::vector<std::string> truths = {"true", "True", "TRUE"}, falsehoods = {"false", "False", "FALSE"};
      const std::string text = node.IsScalar() ? node.Scalar() : "";
      if (node.IsScalar() && node.Tag() != "!" && std::find(truths.begin(), truths.end(), text) != truths.end()) {
        v.flag = true;
      } else if (node.IsScalar() && node.Tag() != "!" && std::find(falsehoods.begin(), falsehoods.end(), text) != falsehoods.end()) {
        v.flag = false;
      } else {
        diags_.error("wrong-type", v.loc, fmt::format("{} must be true or false, but it is {}", what, describe(node)),
                     fmt::format("write {}: true or {}: false", spec.name, spec.name));
        ok = false;
      }
      break;
    }
    case AttrType::Float: {
      auto x = read_number(node, what, fmt::format("write a number such as {} (the default)", spec.default_number));
      ok = x.has_value();
      v.number = x.value_or(0);
      break;
    }
    case AttrType::Scale2:
      ok = read_scale2();
      break;
    case AttrType::Choice:
      ok = read_word(spec.choices);
      break;
    case AttrType::IntList:
      ok = read_int_list();
      break;
  }
  if (ok) {
    layer.attrs.set(spec.name, v);
  } else {
    layer.valid = false;
  }
}

void ModelReader::resolve(Graph& graph, const std::optional<InputRef>& output) {
  // Names: unique, and distinct from the model input's. `first` maps a name to its first layer.
  std::unordered_map<std::string, size_t> first;
  for (size_t i = 0; i < graph.layers.size(); ++i) {
    Layer& layer = graph.layers[i];
    DiagnosticEngine::NoteScope notes(diags_, layer.origin);
    if (layer.name == graph.input_name) {
      diags_.error("duplicate-name", name_locs_[i], fmt::format("layer name '{}' is also the model input's name", layer.name),
                   "rename the layer, or the input with `input: {name: ...}`");
      continue;
    }
    auto [it, inserted] = first.emplace(layer.name, i);
    if (inserted) continue;
    const size_t j = it->second;
    std::string help = layer.named ? "give each layer its own name"
                                   : fmt::format("this unnamed layer is called '{}' after its index; rename the layer at line {}",
                                                 layer.name, name_locs_[j].line);
    diags_.error("duplicate-name", name_locs_[i],
                 fmt::format("layer name '{}' is already used by the layer at line {}{}", layer.name, name_locs_[j].line,
                             graph.layers[j].instance >= 0 ? fmt::format(" (in block instance '{}')", graph.instances[graph.layers[j].instance].name) : ""),
                 help);
  }
  // An instance's name stands for its output tensor, so it may not be a layer's name too.
  std::unordered_map<std::string, size_t> instance_names;
  for (size_t k = 0; k < graph.instances.size(); ++k) {
    const BlockInstance& instance = graph.instances[k];
    auto layer = first.find(instance.name);
    auto [other, inserted] = instance_names.emplace(instance.name, k);
    const bool groups = instance.repeat && graph.instances[other->second].repeat;  // numbered groups may continue a name
    if (groups) other->second = k;
    if (layer == first.end() && (inserted || groups) && instance.name != graph.input_name) continue;
    std::string clash = instance.name == graph.input_name ? "the model input's name"
                        : layer != first.end() ? fmt::format("the name of the layer at line {}", name_locs_[layer->second].line)
                                               : fmt::format("the name of the instance at line {}", graph.instances[other->second].loc.line);
    diags_.error("duplicate-name", instance.loc, fmt::format("block instance name '{}' is also {}", instance.name, clash),
                 "an instance's name stands for its output: give it a name of its own");
  }
  auto find = [&](const std::string& name) {
    auto it = first.find(name);
    if (it != first.end()) return static_cast<int>(it->second);
    auto instance = instance_names.find(name);
    return instance == instance_names.end() ? -1 : graph.instances[instance->second].output;
  };

  // References: the model input or an earlier layer. A list repeated through an alias repeats
  // its mistakes at one place: each is reported once.
  std::unordered_set<std::string> reported;
  auto lookup = [&](InputRef& ref, size_t reader) {
    if (ref.name == graph.input_name) {
      ref.layer = InputRef::kModelInput;
      return true;
    }
    int found = find(ref.name);
    if (found >= 0 && static_cast<size_t>(found) < reader) {
      ref.layer = found;
      return true;
    }
    if (!reported.insert(fmt::format("{}:{}:{}", ref.loc.line, ref.loc.column, ref.name)).second) return false;
    if (found >= 0 && static_cast<size_t>(found) == reader) {
      diags_.error("self-reference", ref.loc, fmt::format("layer '{}' reads its own output", ref.name),
                   "a layer reads the model input or an earlier layer");
    } else if (found >= 0) {
      diags_.error("later-layer", ref.loc,
                   fmt::format("'{}' is defined later (line {}); a layer can only read the model input or an earlier layer",
                               ref.name, graph.layers[found].loc.line),
                   "move this layer below it: models are evaluated in order");
    } else if (const int k = graph.layers[reader].instance; k >= 0) {
      // Inside a block the names are the block's own: say them as the block writes them.
      const BlockInstance& instance = graph.instances[k];
      const std::string prefix = instance.name + ".";
      std::vector<std::string> local = {"$input"};
      for (size_t j = instance.first; j < reader; ++j)
        if (graph.layers[j].instance == k && graph.layers[j].name.starts_with(prefix)) local.push_back(graph.layers[j].name.substr(prefix.size()));
      for (const BlockInstance& inner : graph.instances)
        if (inner.parent == k && inner.first < reader) local.push_back(inner.name.substr(prefix.size()));
      const std::string written = ref.name.starts_with(prefix) ? ref.name.substr(prefix.size()) : ref.name;
      diags_.error("unknown-layer", ref.loc,
                   fmt::format("block '{}' has no layer called '{}' before this one{}", instance.block, written, did_you_mean(written, local)),
                   fmt::format("inside a block a layer reads {}", fmt::join(local, ", ")));
    } else {
      // The input and the nearest earlier layers: a misspelt reference is almost always to one of them.
      constexpr size_t kShown = 6, kSearched = 64;
      std::vector<std::string> candidates = {graph.input_name};
      size_t j = reader;
      while (j-- > 0 && candidates.size() <= kSearched)
        if (find(graph.layers[j].name) == static_cast<int>(j)) candidates.push_back(graph.layers[j].name);
      const size_t shown = std::min(candidates.size() - 1, kShown);
      const bool omitted = shown + 1 < candidates.size() || j + 1 > 0;
      std::vector<std::string> readable = {graph.input_name};
      if (omitted) readable.push_back("...");
      readable.insert(readable.end(), candidates.rend() - 1 - static_cast<std::ptrdiff_t>(shown), candidates.rend() - 1);
      diags_.error("unknown-layer", ref.loc, fmt::format("no layer or input is called '{}'{}", ref.name, did_you_mean(ref.name, candidates)),
                   fmt::format("this layer can read {}", fmt::join(readable, ", ")));
    }
    return false;
  };
  for (size_t i = 0; i < graph.layers.size(); ++i) {
    Layer& layer = graph.layers[i];
    DiagnosticEngine::NoteScope notes(diags_, layer.origin);
    for (InputRef& ref : layer.inputs)
      if (ref.layer == InputRef::kUnresolved && !lookup(ref, i)) layer.valid = false;
  }

  if (output) {
    int found = find(output->name);
    if (found < 0) {
      std::vector<std::string> names;
      for (size_t j = graph.layers.size(); j-- > 0 && names.size() < 64;) names.push_back(graph.layers[j].name);
      diags_.error("unknown-layer", output->loc, fmt::format("output names no layer: '{}'{}", output->name, did_you_mean(output->name, names)),
                   output->name == graph.input_name ? "the output must be a layer, not the model input" : "");
    }
    graph.output = found;
    graph.output_loc = output->loc;
  } else if (!graph.layers.empty()) {
    graph.output = static_cast<int>(graph.layers.size()) - 1;
  }
}

}  // namespace reading

Graph read_model(const SourceFile& file, const std::string& default_name, OpSchemas ops, DiagnosticEngine& diags,
                 const ReadOptions& options) {
  YAML::Node root;
  std::optional<YAML::Mark> second;
  if (!check_is_text(file, diags)) return Graph{.name = default_name};
  try {
    root = YAML::Load(file.text());
    second = second_document_start(file.text());
  } catch (const YAML::Exception& e) {
    report_yaml_error(file, e, diags);
    return Graph{.name = default_name};
  }
  if (!check_documents(file, second, diags)) return Graph{.name = default_name};
  reading::ModelReader reader(file, ops, diags, options);
  return reader.read(root, default_name);
}

}  // namespace nnc
