#pragma once
// The model reader's state, shared by its two halves: model_reader.cpp reads the model and its layers,
// block_reader.cpp its arguments, blocks and block instances.
#include <yaml-cpp/yaml.h>

#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "frontend/model_reader.h"

namespace nnc::reading {

using Entry = std::pair<YAML::Node, YAML::Node>;

// Names (of the model, layers, ops, the input) longer than this are not names.
constexpr size_t kMaxName = 1024;
// Block instances inside block instances: deeper than this is no network, and would exhaust the stack.
constexpr int kMaxBlockNesting = 64;

// An argument's value (substituted already) and where it was given.
struct ArgValue {
  std::string name;
  YAML::Node value;  // null: required and not given
};

// A block of `blocks:`, as written.
struct BlockDef {
  std::string name;
  SourceLoc loc;
  std::vector<ArgValue> args;  // declared arguments with their defaults, in order
  std::vector<SourceLoc> arg_locs;
  YAML::Node layers;
  std::optional<InputRef> output;  // the block's `output:`, a name local to it
  bool valid = true;
};

// Where the layers being read are: the model's own list, or a block instance inside it.
struct Scope {
  std::string prefix;                // "" at the top level; "layer1.0." in instance layer1.0
  const BlockDef* block = nullptr;   // null at the top level
  std::vector<ArgValue> args;        // $name: the instance's arguments (the model's at the top level)
  const Scope* model = nullptr;      // the model's arguments, which blocks see too; null at the top level
  std::optional<InputRef> input;     // $input; none at the top level
  std::vector<DiagnosticNote> notes; // the instances the layers come through, innermost first
  int instance = -1;
  int depth = 0;
  std::vector<std::string> chain;    // the blocks being instantiated, outermost first
};

class ModelReader {
 public:
  ModelReader(const SourceFile& file, OpSchemas ops, DiagnosticEngine& diags, const ReadOptions& options)
      : file_(file), ops_(ops), diags_(diags), options_(options),
        budget_(std::max<size_t>(size_t{1} << 20, 2 * file.text().size())) {}

  Graph read(const YAML::Node& root, const std::string& default_name);

 private:
  // Positions.
  SourceLoc at(const YAML::Node& node) const;
  SourceLoc at_entry(const Entry& entry) const;
  // A value's own position, or its entry's when the value is an alias (whose Mark is its anchor's).
  SourceLoc at_value(const YAML::Node& value, const Entry& entry) const;
  // Where the alias `*name` for `node` (anchored `&name`) is written, searching from `from` on.
  SourceLoc alias_at(const YAML::Node& node, SourceLoc from) const;
  // An empty list item `-` is marked at the token after it; this finds its dash.
  SourceLoc empty_item_at(SourceLoc next) const;
  // Reports `item` (of `container`) if it is an alias of the container itself.
  bool is_self_alias(const YAML::Node& item, const YAML::Node& container, const std::string& what);
  bool spend(size_t amount, const YAML::Node& node);

  // Structure.
  std::vector<Entry> entries(const YAML::Node& map);
  static std::string describe(const YAML::Node& node);
  std::optional<std::string> read_string(const Entry& entry, const std::string& owner);
  std::optional<int64_t> read_int(const YAML::Node& node, const Entry& entry, const std::string& what);

  void read_input(const Entry& entry, Graph& graph);
  void read_layers(const Entry& entry, Graph& graph);
  // Reads `list` (the model's layers, or a block's in an instance) into the graph; `previous` is what a layer
  // that names no input reads, and is left at the list's last tensor.
  void read_list(const YAML::Node& list, const Scope& scope, Graph& graph, InputRef& previous);
  Layer read_layer(const YAML::Node& item, const std::vector<Entry>& fields, size_t index, const YAML::Node& list, const Scope& scope);
  // `value` is the entry's value with arguments substituted; positions come from `entry`.
  void read_attr(Layer& layer, const AttrSpec& spec, const Entry& entry, const YAML::Node& value);
  void read_inputs(Layer& layer, const Entry& entry, const Scope& scope);
  // A name a layer reads, as the graph knows it: `$input`, or a name local to the scope.
  std::optional<InputRef> reference(const std::string& name, SourceLoc loc, const Scope& scope);
  void resolve(Graph& graph, const std::optional<InputRef>& output);

  // Arguments and blocks (block_reader.cpp).
  void read_model_args(const Entry* entry);
  void read_blocks(const Entry& entry);
  // `node` with every `$name` and `${expr}` replaced by its value; none after an error, reported at `loc`.
  std::optional<YAML::Node> substitute(const YAML::Node& node, const Scope& scope, SourceLoc loc);
  const ArgValue* find_arg(const std::string& name, const Scope& scope) const;
  std::vector<std::string> arg_names(const Scope& scope) const;
  // Reads the block instance `item` and every layer it makes into the graph.
  void read_instance(const std::vector<Entry>& fields, size_t index, const Scope& scope, Graph& graph, InputRef& previous);
  // Evaluates the arguments of an instance of `block` given in `fields`; false after an error.
  bool instance_args(const BlockDef& block, const std::vector<Entry>& fields, const Scope& caller, std::vector<ArgValue>& args);
  // A layer standing for an instance that could not be read, so that readers of it are not reported again.
  void add_placeholder(const std::string& name, SourceLoc loc, const Scope& scope, Graph& graph, InputRef& previous);
  // Checks that `more` layers still fit the model's limit.
  bool layers_fit(size_t more, SourceLoc loc, Graph& graph);

  std::string layer_title(const Layer& layer) const;
  std::vector<std::string> op_names() const;
  // The op whose PyTorch or Keras name `name` is, ignoring case; null when none.
  const OpSchema* op_known_as(std::string_view name) const;
  // " (did you mean ...?)" for an op nnc lacks, or ""; worked out once per word, as a block repeated
  // thousands of times asks for it on every instance.
  const std::string& unknown_op_suggestion(const std::string& op);
  // "the ops are: ...", the help of every unknown op; written once.
  const std::string& unknown_op_help();

  const SourceFile& file_;
  OpSchemas ops_;
  DiagnosticEngine& diags_;
  const ReadOptions& options_;
  std::vector<SourceLoc> name_locs_;  // per layer: the `name:` entry, or the `op:` line
  // Without aliases, a file holds fewer nodes and characters than bytes; with them, a few lines can
  // name a list of a million entries a million times. Reading spends from this budget instead: a
  // million, or twice the file's size, leaves any honest reuse of a block far below it. Each layer a
  // block instance makes adds to it.
  size_t budget_;
  bool over_budget_ = false;
  bool too_many_layers_ = false;
  std::optional<SourceLoc> via_alias_;  // while reading a layer written `- *name`: where that is
  std::map<std::string, BlockDef> blocks_;
  Scope model_scope_;
  std::unordered_map<std::string, std::string> unknown_op_suggestions_;
  // Every list that substitution makes is an item of this one. yaml-cpp copies a document's whole node set into a
  // new list's memory at its first push_back of a document's node; lists made here share one memory, so that
  // copy happens once, not once per list.
  YAML::Node substituted_lists_{YAML::NodeType::Sequence};
  std::string unknown_op_help_;
  std::unordered_map<std::string, int> names_;  // layers and instances read so far: the layer each name stands for
};

}  // namespace nnc::reading
