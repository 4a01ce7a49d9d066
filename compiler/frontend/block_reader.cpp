// The model reader's second half: the model's `args`, its `blocks`, `$name` and `${expr}` substitution, and the
// expansion of block instances into layers (model-format.md, "Blocks, repeat and arguments").
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>

#include "frontend/arg_expr.h"
#include "frontend/flow_yaml.h"
#include "frontend/model_reader_impl.h"
#include "graph/summary.h"
#include "support/suggest.h"

namespace nnc::reading {
namespace {

// What each layer made by a block instance adds to the reading budget: far more than an honest layer spends.
constexpr size_t kBudgetPerLayer = 256;

const std::vector<std::string> kInstanceKeys = {"block", "name", "input", "repeat", "start"};

// The value of a `--set NAME=VALUE`, read as YAML (so `--set kernel=[3, 1]` is a list).
std::optional<YAML::Node> parse_set_value(const std::string& text) {
  try {
    YAML::Node node = YAML::Load(text);
    if (!node.IsDefined() || node.IsNull() || node.IsMap()) return std::nullopt;
    return node;
  } catch (const YAML::Exception&) {
    return std::nullopt;
  }
}

}  // namespace

const ArgValue* ModelReader::find_arg(const std::string& name, const Scope& scope) const {
  for (const ArgValue& arg : scope.args)
    if (arg.name == name) return &arg;
  return scope.model ? find_arg(name, *scope.model) : nullptr;
}

std::vector<std::string> ModelReader::arg_names(const Scope& scope) const {
  std::vector<std::string> names;
  for (const ArgValue& arg : scope.args) names.push_back(arg.name);
  if (scope.model)
    for (const std::string& name : arg_names(*scope.model))
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  return names;
}

std::optional<YAML::Node> ModelReader::substitute(const YAML::Node& node, const Scope& scope, SourceLoc loc) {
  if (node.IsSequence()) {
    std::vector<YAML::Node> values;
    bool changed = false;
    for (size_t i = 0; i < node.size(); ++i) {
      const YAML::Node item = node[i];
      // Values are scalars or lists of them: a nested list (perhaps an alias of its container) is left for read_attr
      // to report.
      if (!item.IsScalar()) return node;
      auto value = substitute(item, scope, loc);
      if (!value) return std::nullopt;
      changed = changed || !value->is(item);
      values.push_back(*value);
    }
    if (!changed) return node;
    substituted_lists_.push_back(YAML::Node(YAML::NodeType::Sequence));
    YAML::Node out = substituted_lists_[substituted_lists_.size() - 1];
    for (const YAML::Node& value : values) out.push_back(value);
    return out;
  }
  if (!node.IsScalar()) return node;
  const std::string& text = node.Scalar();
  if (!text.starts_with('$')) {
    if (text.find("${") == std::string::npos) return node;
    diags_.error("bad-expression", loc, fmt::format("'{}' holds an expression, but an expression must be the whole value", text),
                 "write the value as '${...}' alone");
    return std::nullopt;
  }
  const std::vector<std::string> names = arg_names(scope);
  const std::string where = scope.block ? fmt::format("block '{}'", scope.block->name) : std::string("the model");
  if (text.starts_with("${")) {
    if (!text.ends_with('}')) {
      diags_.error("bad-expression", loc, fmt::format("the expression '{}' has no closing '}}'", text), "write '${...}' with the braces around it");
      return std::nullopt;
    }
    auto result = evaluate_arg_expr(std::string_view(text).substr(2, text.size() - 3), [&](std::string_view name) {
      const ArgValue* arg = find_arg(std::string(name), scope);
      if (!arg) return ArgLookup{ArgLookup::Unknown, 0, did_you_mean(std::string(name), names)};
      const std::string& value = arg->value.IsScalar() ? arg->value.Scalar() : std::string();
      int64_t number = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
      if (arg->value.IsScalar() && ec == std::errc() && end == value.data() + value.size()) return ArgLookup{ArgLookup::Integer, number, ""};
      return ArgLookup{ArgLookup::NotInteger, 0, describe(arg->value)};
    });
    if (auto* error = std::get_if<ExprError>(&result)) {
      std::string help = error->help;
      if (help.empty() && !error->division_by_zero)
        help = names.empty() ? fmt::format("{} has no arguments", where) : fmt::format("{} has the arguments {}", where, fmt::join(names, ", "));
      if (error->division_by_zero)
        diags_.error("division-by-zero", loc, fmt::format("in '{}': {}", text, error->message), help);
      else
        diags_.error("bad-expression", loc, fmt::format("in '{}': {}", text, error->message), help);
      return std::nullopt;
    }
    return YAML::Node(std::to_string(std::get<int64_t>(result)));
  }
  const std::string name = text.substr(1);
  if (name == "input") {
    diags_.error("wrong-type", loc, "`$input` is a tensor, the one the block instance reads: it belongs in `input:` or `inputs:`",
                 "write a value, or an argument such as $planes");
    return std::nullopt;
  }
  if (!is_arg_name(name)) {
    diags_.error("bad-expression", loc, fmt::format("'{}' is neither an argument (`$name`) nor an expression (`${{...}}`)", text),
                 "an argument's name is a letter or '_' followed by letters, digits and '_'");
    return std::nullopt;
  }
  const ArgValue* arg = find_arg(name, scope);
  if (!arg) {
    diags_.error("unknown-arg", loc, fmt::format("'${}' is no argument of {}{}", name, where, did_you_mean(name, names)),
                 names.empty() ? fmt::format("declare it under `args:` of {}", where)
                               : fmt::format("{} has the arguments {}; declare more under `args:`", where, fmt::join(names, ", ")));
    return std::nullopt;
  }
  return arg->value;
}

void ModelReader::read_model_args(const Entry* entry) {
  model_scope_ = Scope{};
  std::vector<Entry> declared;
  if (entry) {
    if (entry->second.IsMap()) {
      declared = entries(entry->second);
    } else {
      diags_.error("wrong-type", at_entry(*entry), "args must be a mapping of argument names to defaults, but it is " + describe(entry->second),
                   "write `args: {width: 64, depth: null}` (null: required)");
    }
  }
  std::vector<std::string> names;
  for (const Entry& e : declared) names.push_back(e.first.Scalar());
  std::vector<std::pair<std::string, YAML::Node>> overrides;
  for (const auto& [name, text] : options_.set) {
    const SourceLoc loc = entry ? at_entry(*entry) : SourceLoc{};
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      diags_.error("unknown-arg", loc, fmt::format("--set {}: the model has no argument '{}'{}", name, name, did_you_mean(name, names)),
                   names.empty() ? "the model declares no `args:`" : fmt::format("its arguments are {}", fmt::join(names, ", ")));
      continue;
    }
    auto value = parse_set_value(text);
    if (!value) {
      diags_.error("bad-value", loc, fmt::format("--set {}={}: the value is not a number, word or list", name, text),
                   fmt::format("write --set {}=64, or a list such as --set {}=[3,1]", name, name));
      continue;
    }
    overrides.emplace_back(name, *value);
  }
  for (const Entry& e : declared) {
    const std::string& name = e.first.Scalar();
    if (!is_arg_name(name)) {
      diags_.error("bad-value", at(e.first), fmt::format("'{}' is no argument name", name),
                   "an argument's name is a letter or '_' followed by letters, digits and '_'");
      continue;
    }
    // The last --set wins; a default may use the arguments before it.
    auto set = std::find_if(overrides.rbegin(), overrides.rend(), [&](const auto& o) { return o.first == name; });
    if (set != overrides.rend()) {
      model_scope_.args.push_back({name, set->second});
    } else if (e.second.IsNull()) {
      diags_.error("missing-arg", at_entry(e), fmt::format("the model's argument '{}' has no default, and no --set gives it", name),
                   fmt::format("run with --set {}=VALUE, or write a default", name));
    } else if (auto value = substitute(e.second, model_scope_, at_entry(e))) {
      model_scope_.args.push_back({name, *value});
    }
  }
}

void ModelReader::read_blocks(const Entry& entry) {
  if (!entry.second.IsMap()) {
    diags_.error("wrong-type", at_entry(entry), "blocks must be a mapping of block names to blocks, but it is " + describe(entry.second),
                 "write `blocks:` and under it `NAME: {args: {...}, layers: [...]}`");
    return;
  }
  static const std::vector<std::string> keys = {"args", "layers", "output"};
  for (const Entry& e : entries(entry.second)) {
    BlockDef block;
    block.name = e.first.Scalar();
    block.loc = at_entry(e);
    if (!e.second.IsMap()) {
      diags_.error("wrong-type", at_entry(e), fmt::format("block '{}' must be a mapping with `layers:` (and optionally `args:` and `output:`), but it is {}",
                                                          block.name, describe(e.second)),
                   e.second.IsSequence() ? "put the list under `layers:`" : "");
      block.valid = false;
      blocks_.emplace(block.name, std::move(block));
      continue;
    }
    for (const Entry& field : entries(e.second)) {
      const std::string& key = field.first.Scalar();
      if (key == "args") {
        if (!field.second.IsMap()) {
          diags_.error("wrong-type", at_entry(field), fmt::format("block '{}': args must be a mapping of names to defaults, but it is {}", block.name, describe(field.second)),
                       "write `args: {planes: null, stride: 1}` (null: required)");
          block.valid = false;
          continue;
        }
        for (const Entry& arg : entries(field.second)) {
          if (!is_arg_name(arg.first.Scalar())) {
            diags_.error("bad-value", at(arg.first), fmt::format("block '{}': '{}' is no argument name", block.name, arg.first.Scalar()),
                         "an argument's name is a letter or '_' followed by letters, digits and '_'");
            block.valid = false;
            continue;
          }
          block.args.push_back({arg.first.Scalar(), arg.second});
          block.arg_locs.push_back(at_entry(arg));
        }
      } else if (key == "layers") {
        if (!field.second.IsSequence() || field.second.size() == 0) {
          diags_.error(field.second.IsSequence() ? ErrorCode("empty-layers") : ErrorCode("wrong-type"), at_entry(field),
                       fmt::format("block '{}': layers must be a non-empty list, but it is {}", block.name,
                                   field.second.IsSequence() ? std::string("empty") : describe(field.second)),
                       "write each layer as a list item under layers, e.g. `- op: relu`");
          block.valid = false;
          continue;
        }
        block.layers = field.second;
      } else if (key == "output") {
        if (auto v = read_string(field, fmt::format("block '{}': ", block.name))) block.output = InputRef{*v, at_entry(field)};
        else block.valid = false;
      } else {
        diags_.error("unknown-key", at_entry(field), fmt::format("block '{}' has no key '{}'{}", block.name, key, did_you_mean(key, keys)),
                     "a block takes args, layers and output");
      }
    }
    if (block.valid && !block.layers.IsDefined()) {
      diags_.error("missing-key", block.loc, fmt::format("block '{}' has no `layers:`", block.name), "add `layers:` with the block's list of layers");
      block.valid = false;
    }
    blocks_.emplace(block.name, std::move(block));
  }
}

bool ModelReader::layers_fit(size_t more, SourceLoc loc, Graph& graph) {
  if (graph.layers.size() + more <= kMaxLayers && more <= kMaxLayers) return true;
  too_many_layers_ = true;
  diags_.error("too-many-layers", loc,
               fmt::format("with this, the model would have more than nnc's limit of {} layers", group_digits(static_cast<int64_t>(kMaxLayers))),
               "check `repeat:` for a typo, or split the network into several models");
  return false;
}

void ModelReader::add_placeholder(const std::string& name, SourceLoc loc, const Scope& scope, Graph& graph, InputRef& previous) {
  Layer layer;
  layer.name = name;
  layer.named = true;
  layer.loc = loc;
  layer.valid = false;
  layer.instance = scope.instance;
  layer.origin = scope.notes;
  name_locs_.push_back(loc);
  const int index = static_cast<int>(graph.layers.size());
  names_.emplace(name, index);
  previous = {name, loc, index};
  graph.layers.push_back(std::move(layer));
}

bool ModelReader::instance_args(const BlockDef& block, const std::vector<Entry>& fields, const Scope& caller, std::vector<ArgValue>& args) {
  std::vector<std::string> declared;
  for (const ArgValue& arg : block.args) declared.push_back(arg.name);
  bool ok = true;
  std::vector<std::pair<std::string, YAML::Node>> given;
  SourceLoc instance_loc;
  for (const Entry& e : fields) {
    const std::string& key = e.first.Scalar();
    if (key == "block") instance_loc = at_entry(e);
    if (std::find(kInstanceKeys.begin(), kInstanceKeys.end(), key) != kInstanceKeys.end()) continue;
    if (std::find(declared.begin(), declared.end(), key) == declared.end()) {
      std::vector<std::string> keys = declared;
      keys.insert(keys.end(), kInstanceKeys.begin(), kInstanceKeys.end());
      diags_.error("unknown-arg", at_entry(e), fmt::format("block '{}' has no argument '{}'{}", block.name, key, did_you_mean(key, keys)),
                   declared.empty() ? fmt::format("block '{}' takes no arguments; an instance takes block, name, input, repeat and start", block.name)
                                    : fmt::format("block '{}' takes {}", block.name, fmt::join(declared, ", ")));
      ok = false;
      continue;
    }
    auto value = substitute(e.second, caller, at_entry(e));
    if (!value) {
      ok = false;
      continue;
    }
    if (value->IsNull()) {
      diags_.error("missing-arg", at_entry(e), fmt::format("argument '{}' of block '{}' is given no value", key, block.name),
                   fmt::format("write `{}: VALUE`, or leave it out to take the block's default", key));
      ok = false;
    }
    given.emplace_back(key, *value);
  }
  // In the order the block declares them; a default may use the arguments before it.
  for (size_t i = 0; i < block.args.size(); ++i) {
    const ArgValue& decl = block.args[i];
    auto it = std::find_if(given.begin(), given.end(), [&](const auto& g) { return g.first == decl.name; });
    if (it != given.end()) {
      args.push_back({decl.name, it->second});
    } else if (decl.value.IsNull()) {
      diags_.error("missing-arg", instance_loc, fmt::format("block '{}' needs the argument '{}'", block.name, decl.name),
                   fmt::format("add `{}: VALUE` to the instance", decl.name));
      ok = false;
    } else {
      Scope defaults;
      defaults.block = &block;
      defaults.args = args;
      defaults.model = caller.model ? caller.model : &model_scope_;
      if (auto value = substitute(decl.value, defaults, block.arg_locs[i])) args.push_back({decl.name, *value});
      else ok = false;
    }
  }
  return ok;
}

void ModelReader::read_instance(const std::vector<Entry>& fields, size_t index, const Scope& scope, Graph& graph, InputRef& previous) {
  const Entry* block_entry = nullptr;
  const Entry* name_entry = nullptr;
  const Entry* input_entry = nullptr;
  const Entry* repeat_entry = nullptr;
  const Entry* start_entry = nullptr;
  const Entry* op_entry = nullptr;
  for (const Entry& e : fields) {
    const std::string& key = e.first.Scalar();
    if (key == "block") block_entry = &e;
    else if (key == "name") name_entry = &e;
    else if (key == "input") input_entry = &e;
    else if (key == "repeat") repeat_entry = &e;
    else if (key == "start") start_entry = &e;
    else if (key == "op") op_entry = &e;
  }
  const SourceLoc loc = at_entry(*block_entry);
  std::string name = std::to_string(index);
  if (name_entry)
    if (auto v = read_string(*name_entry, "a block instance's ")) name = *v;
  const std::string full = scope.prefix + name;
  auto fail = [&] { add_placeholder(full, loc, scope, graph, previous); };

  if (op_entry) {
    diags_.error("unknown-key", at_entry(*op_entry), fmt::format("layer '{}' has both `op:` and `block:`", full),
                 "a layer is either an op or a block instance: remove one of them");
    return fail();
  }
  auto block_name = read_string(*block_entry, "a layer's ");
  if (!block_name) return fail();
  auto found = blocks_.find(*block_name);
  if (found == blocks_.end()) {
    std::vector<std::string> names;
    for (const auto& [n, b] : blocks_) names.push_back(n);
    diags_.error("unknown-block", loc, fmt::format("no block is called '{}'{}", *block_name, did_you_mean(*block_name, names)),
                 names.empty() ? std::string("define it under `blocks:` at the top of the model")
                               : fmt::format("the blocks are {}; define more under `blocks:`", fmt::join(names, ", ")));
    return fail();
  }
  const BlockDef& block = found->second;
  if (!block.valid) return fail();  // its mistakes are reported at the block
  if (auto cycle = std::find(scope.chain.begin(), scope.chain.end(), block.name); cycle != scope.chain.end()) {
    std::vector<std::string> path(cycle, scope.chain.end());
    path.push_back(block.name);
    diags_.error("block-recursion", loc, fmt::format("block '{}' uses itself: {}", block.name, fmt::join(path, " -> ")),
                 "a block may use other blocks, but not itself, directly or through them");
    return fail();
  }
  if (scope.depth >= kMaxBlockNesting) {
    diags_.error("block-nesting-too-deep", loc, fmt::format("block instances nest more than {} deep here", kMaxBlockNesting),
                 "flatten some blocks into their users");
    return fail();
  }

  InputRef input = previous;
  if (input_entry) {
    auto v = read_string(*input_entry, "a block instance's ");
    std::optional<InputRef> ref = v ? reference(*v, at_entry(*input_entry), scope) : std::nullopt;
    if (!ref) return fail();
    if (ref->layer == InputRef::kUnresolved && ref->name == graph.input_name && scope.block == nullptr) ref->layer = InputRef::kModelInput;
    if (ref->layer == InputRef::kUnresolved) {
      // Only earlier layers are known here, and only they may be read.
      std::vector<std::string> recent = {graph.input_name};
      for (size_t j = graph.layers.size(); j-- > 0 && recent.size() < 64;) recent.push_back(graph.layers[j].name);
      diags_.error("unknown-layer", ref->loc, fmt::format("no earlier layer or instance is called '{}'{}", ref->name, did_you_mean(ref->name, recent)),
                   "an instance reads the model input, an earlier layer or instance, or `$input`");
      return fail();
    }
    input = *ref;
  }

  auto read_count = [&](const Entry* e, int64_t fallback, int64_t minimum) -> std::optional<int64_t> {
    if (!e) return fallback;
    auto value = substitute(e->second, scope, at_entry(*e));
    if (!value) return std::nullopt;
    auto n = read_int(*value, *e, e->first.Scalar());
    if (n && *n < minimum) {
      diags_.error("bad-value", at_entry(*e), fmt::format("{} is {}, but it must be at least {}", e->first.Scalar(), *n, minimum),
                   e->first.Scalar() == "repeat" ? "write repeat: 1 or more, or leave the instance out" : "number the instances from 0 or more");
      return std::nullopt;
    }
    return n;
  };
  const auto repeat = read_count(repeat_entry, 1, 1);
  const auto start = read_count(start_entry, 0, 0);
  std::vector<ArgValue> args;
  const bool args_ok = instance_args(block, fields, scope, args);
  if (!repeat || !start || !args_ok) return fail();
  // A repeat past the limit on its own is refused before it is multiplied, which could overflow.
  const size_t needed = *repeat > static_cast<int64_t>(kMaxLayers) ? kMaxLayers + 1 : static_cast<size_t>(*repeat) * block.layers.size();
  if (!layers_fit(needed, loc, graph)) return;

  const bool numbered = repeat_entry || start_entry;
  const int depth = scope.depth + 1;
  int group = -1;
  if (numbered) {
    group = static_cast<int>(graph.instances.size());
    graph.instances.push_back({full, block.name, loc, scope.instance, depth, graph.layers.size(), 0, -1, static_cast<int>(*repeat)});
  }
  InputRef current = input;
  for (int64_t r = 0; r < *repeat; ++r) {
    const std::string instance_name = numbered ? fmt::format("{}.{}", full, *start + r) : full;
    const int k = static_cast<int>(graph.instances.size());
    graph.instances.push_back({instance_name, block.name, loc, group >= 0 ? group : scope.instance, group >= 0 ? depth + 1 : depth,
                               graph.layers.size(), 0, -1, 0});
    Scope child;
    child.prefix = instance_name + ".";
    child.block = &block;
    child.args = args;
    child.model = scope.model ? scope.model : &model_scope_;
    child.input = current;
    child.notes.push_back({loc, fmt::format("in instance '{}' of block '{}'", instance_name, block.name)});
    child.notes.insert(child.notes.end(), scope.notes.begin(), scope.notes.end());
    child.instance = k;
    child.depth = group >= 0 ? depth + 1 : depth;
    child.chain = scope.chain;
    child.chain.push_back(block.name);
    budget_ += kBudgetPerLayer * block.layers.size();
    const std::optional<SourceLoc> alias = via_alias_;
    via_alias_.reset();
    InputRef last = current;
    read_list(block.layers, child, graph, last);
    via_alias_ = alias;
    if (too_many_layers_ || over_budget_) return;
    int output = last.layer;
    if (block.output) {
      auto named = names_.find(child.prefix + block.output->name);
      if (named != names_.end() && named->second >= static_cast<int>(graph.instances[k].first)) {
        output = named->second;
      } else {
        DiagnosticEngine::NoteScope notes(diags_, child.notes);
        diags_.error("unknown-layer", block.output->loc,
                     fmt::format("block '{}': output names no layer of the block: '{}'", block.name, block.output->name),
                     "name one of the block's own layers");
      }
    }
    graph.instances[k].last = graph.layers.size();
    graph.instances[k].output = output;
    names_.emplace(instance_name, output);
    current = {instance_name, loc, output};
  }
  if (group >= 0) {
    graph.instances[group].last = graph.layers.size();
    graph.instances[group].output = current.layer;
    names_[full] = current.layer;  // groups may share a name (features.1 to .3, then features.4 to .6): the latest
  }
  previous = {full, loc, current.layer};
}

}  // namespace nnc::reading
