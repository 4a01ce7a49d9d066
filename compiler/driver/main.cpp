// The `nnc` command line: parses arguments and hands over to a subcommand.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <charconv>
#include <exception>
#include <iostream>
#include <optional>

#include "driver/commands.h"
#include "ops/registry.h"
#include "pipeline/compile_model.h"
#include "support/internal_error.h"
#include "support/printable.h"
#include "support/suggest.h"

#ifndef NNC_VERSION
#error "NNC_VERSION must be defined by the build"
#endif

namespace {

using namespace nnc;

const std::vector<std::string> kCommands = {"run", "check", "summary", "emit", "bench", "expand", "import", "graph", "ops", "codes"};

std::string ops_epilog() {
  std::string text = "Ops:\n";
  for (const OpDef* op : op_registry().ops()) text += fmt::format("  {:<20}{}\n", op->schema.name, op->schema.summary);
  return text + "\nExit status: 0 ok, 1 model error, 2 usage or unreadable file, 3 a bug in nnc.\nThe model format: docs/model-format.md";
}

// A word option shown and checked as its words ("text, json or github"), stored as an enum.
template <typename Enum>
CLI::Option* add_choice(CLI::App* cmd, const std::string& flag, Enum& target, const std::vector<std::pair<std::string, Enum>>& words,
                        const std::string& help) {
  std::vector<std::string> names;
  for (const auto& w : words) names.push_back(w.first);
  return cmd->add_option_function<std::string>(
         flag,
         [&target, words](const std::string& value) {
           for (const auto& w : words)
             if (w.first == value) target = w.second;
         },
         help)
      ->check(CLI::IsMember(names))
      ->option_text("WORD");
}

// An empty path would silently mean "not given" (no output written, seeded weights or input): refused instead.
CLI::Validator non_empty_path() {
  return CLI::Validator([](std::string& text) { return text.empty() ? std::string("the path is empty") : std::string(); }, "");
}

// `--set NAME=VALUE`, repeatable: a value for one of the model's `args`.
void add_set_option(CLI::App* cmd, ArgSettings& settings) {
  cmd->add_option_function<std::vector<std::string>>(
         "--set",
         [&settings](const std::vector<std::string>& values) {
           for (const std::string& v : values) settings.emplace_back(v.substr(0, v.find('=')), v.substr(v.find('=') + 1));
         },
         "a value for one of the model's `args` (repeatable): --set width=32")
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            const size_t eq = text.find('=');
            if (eq == std::string::npos || eq == 0) return "write --set NAME=VALUE, not '" + text + "'";
            return "";
          },
          ""))
      ->option_text("NAME=VALUE")
      ->allow_extra_args(false);
}

// "1,3,224,224": every dimension a whole number from 1 to 2^31.
std::optional<std::vector<int64_t>> parse_shape(const std::string& text) {
  std::vector<int64_t> shape;
  for (size_t start = 0; start <= text.size();) {
    const size_t comma = std::min(text.find(',', start), text.size());
    int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data() + start, text.data() + comma, value);
    if (comma == start || ec != std::errc() || end != text.data() + comma || value < 1 || value > (int64_t{1} << 31)) return std::nullopt;
    shape.push_back(value);
    start = comma + 1;
  }
  return shape;
}

void add_color_option(CLI::App* cmd, ColorMode& mode) {
  add_choice(cmd, "--color", mode, {{"auto", ColorMode::Auto}, {"always", ColorMode::Always}, {"never", ColorMode::Never}},
             "colour the text: auto (on a terminal, unless NO_COLOR is set), always, never");
}

// Like LLVM's -print-after: the Loop IR on stderr after a named pass of compile_model.
void add_dump_option(CLI::App* cmd, std::string& pass) {
  std::vector<std::string> names = {"all"};
  std::string list = "all";
  for (const PassInfo& p : compile_passes()) {
    names.push_back(p.name);
    list += fmt::format(", {} ({})", p.name, p.what);
  }
  cmd->add_option("--dump-ir-after", pass, "print the Loop IR on stderr after a pass of the compiler: " + list)
      ->check(CLI::IsMember(names))
      ->option_text("PASS");
}

void add_run_options(CLI::App* cmd, RunOptions& o) {
  cmd->add_option("file", o.file, "model file (YAML)")->required()->check(non_empty_path());
  add_set_option(cmd, o.set);
  cmd->add_option("--weights", o.weights, "safetensors file with every parameter (default: the model's `weights:`, else seeded)")
      ->check(non_empty_path());
  cmd->add_option("--input", o.input, "the input as .npy (float32, C order, the model's input shape); default: seeded noise")
      ->check(non_empty_path());
  cmd->add_option("--seed", o.seed, "seed for parameters without a weights file, and for the input without --input")
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            int64_t value = 0;
            auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
            if (ec != std::errc() || end != text.data() + text.size() || value < 0)
              return "the seed must be a whole number from 0 to 9223372036854775807, not '" + text + "'";
            return "";
          },
          "0..2^63-1"));
  cmd->add_option("--threads", o.threads, "threads for parallel loops (1 to 256)")->check(CLI::Range(1, 256).description(""));
  add_dump_option(cmd, o.dump_ir_after);
  add_color_option(cmd, o.color);
}

int run(int argc, char** argv) {
  CLI::App app{"nnc: a compiler for neural-network models written as YAML", "nnc"};
  app.set_version_flag("--version", std::string("nnc ") + NNC_VERSION);
  app.footer(ops_epilog());
  app.require_subcommand(1);

  CheckOptions check;
  CLI::App* check_cmd = app.add_subcommand("check", "parse and shape-check model files; report every problem");
  check_cmd->add_option("files", check.files, "model files (YAML)")->required()->check(non_empty_path());
  check_cmd->add_flag("--strict", check.strict, "fail on warnings too");
  add_set_option(check_cmd, check.set);
  add_choice(check_cmd, "--format", check.format,
             {{"text", CheckFormat::Text}, {"json", CheckFormat::Json}, {"github", CheckFormat::Github}, {"sarif", CheckFormat::Sarif}},
             "text (default), json (one document on stdout), github (workflow annotations) or sarif (SARIF 2.1.0, for code "
             "scanning)");
  check_cmd->footer("Exit status: 0 no errors (warnings allowed unless --strict), 1 errors, 2 usage or unreadable file.");
  add_color_option(check_cmd, check.color);

  SummaryOptions summary;
  CLI::App* summary_cmd = app.add_subcommand("summary", "print the layer table with every window formula worked out");
  summary_cmd->add_option("file", summary.file, "model file (YAML)")->required()->check(non_empty_path());
  add_set_option(summary_cmd, summary.set);
  summary_cmd->add_option("--depth", summary.depth,
                          "show layers down to this depth of nesting (1: the top level); deeper block instances and groups of "
                          "dotted names (layer1.0.conv1 is at depth 3) are one row each, with their parameters and MACs summed")
      ->check(CLI::PositiveNumber);
  add_color_option(summary_cmd, summary.color);
  summary_cmd->footer("Exit status: 0 ok, 1 model errors (printed on stderr), 2 usage or unreadable file.");

  RunOptions run_options, bench_options;
  CLI::App* run_cmd = app.add_subcommand("run", "check, JIT-compile and run the model once (`nnc MODEL` is `nnc run MODEL`)");
  add_run_options(run_cmd, run_options);
  run_cmd->add_option("--output", run_options.output, "write the output as .npy (float32); never left half-written")
      ->check(non_empty_path());
  run_cmd->add_flag("--verify", run_options.verify, "also run the reference kernels and compare (rtol 1e-4, atol 1e-5, and what the model's float rounding explains)");
  CLI::App* bench_cmd = app.add_subcommand("bench", "time the compiled model, whole and per layer, and report GFLOP/s");
  add_run_options(bench_cmd, bench_options);
  bench_cmd->add_option("--runs", bench_options.runs, "timed runs (default: about a second's worth)")->check(CLI::PositiveNumber);
  add_choice(bench_cmd, "--format", bench_options.json, {{"text", false}, {"json", true}}, "text (default) or json");

  EmitOptions emit;
  CLI::App* emit_cmd = app.add_subcommand("emit", "write the compiled model: Loop IR, standalone C++, LLVM IR, assembly, or an object file with its header");
  emit_cmd->add_option("file", emit.file, "model file (YAML)")->required()->check(non_empty_path());
  add_set_option(emit_cmd, emit.set);
  add_choice(emit_cmd, "--emit", emit.what,
             {{"loops", EmitKind::Loops}, {"cpp", EmitKind::Cpp}, {"llvm", EmitKind::Llvm}, {"asm", EmitKind::Asm}, {"obj", EmitKind::Obj}},
             "loops (the Loop IR as C-like text), cpp (standalone C++: -o DIR gets NAME.hpp and NAME.cpp), llvm (optimised LLVM "
             "IR) and asm (the code alone, without parameters), obj (the AOT bundle: NAME.o holds this CPU's machine code and "
             "the parameters, NAME.hpp has the cpp header's API; `g++ main.cpp NAME.o` links it with libc and libm alone, "
             "and parallel loops run on the calling thread)")
      ->required();
  emit_cmd->add_option("-o,--output", emit.output, "output file; for cpp a directory; for obj a directory, or FILE.o with NAME.hpp beside it "
                                                      "(default: standard output, for text)")
      ->check(non_empty_path());
  emit_cmd->add_option("--weights", emit.weights, "cpp, obj: safetensors file with the parameters to embed, or for cpp to write with --weights-file "
                                                  "(default: the model's `weights:`, else seeded)")
      ->check(non_empty_path());
  emit_cmd->add_option("--seed", emit.seed, "cpp, obj: seed for the parameters without a weights file")->check(CLI::NonNegativeNumber);
  emit_cmd->add_flag("--weights-file", emit.weights_file,
                     "cpp: do not embed the parameters; write them to DIR/NAME.safetensors, and declare "
                     "NAME::load_weights(path) in the header to read them (or other weights with the same keys) at start-up");
  emit_cmd->add_option("--threads", emit.threads, "threads the code is scheduled for (parallel loops when > 1; 1 to 256)")
      ->check(CLI::Range(1, 256).description(""));
  add_dump_option(emit_cmd, emit.dump_ir_after);
  add_color_option(emit_cmd, emit.color);

  ExpandOptions expand;
  CLI::App* expand_cmd = app.add_subcommand("expand", "print the flat model: every block instance written out, every argument substituted");
  expand_cmd->add_option("file", expand.file, "model file (YAML)")->required()->check(non_empty_path());
  add_set_option(expand_cmd, expand.set);
  expand_cmd->add_option("-o,--output", expand.output, "write the flat model here (default: standard output); never left half-written")
      ->check(non_empty_path());
  add_color_option(expand_cmd, expand.color);
  expand_cmd->footer("Exit status: 0 ok, 1 model errors (printed on stderr), 2 usage or unreadable file.");

  ImportOptions import_options;
  CLI::App* import_cmd = app.add_subcommand("import", "convert an ONNX model to an nnc model: OUT.yaml and its weights, OUT.safetensors");
  import_cmd->add_option("file", import_options.file, "the ONNX model")->required()->check(non_empty_path());
  import_cmd->add_option("-o,--output", import_options.output,
                         "OUT.yaml, with OUT.safetensors beside it (default: the model's path with .yaml); both written whole or not at all")
      ->check(non_empty_path());
  import_cmd->add_option_function<std::string>(
                "--input-shape", [&import_options](const std::string& text) { import_options.input_shape = *parse_shape(text); },
                "the input's static shape, e.g. 1,3,224,224 (needed when the model leaves a dimension open)")
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            return parse_shape(text) ? "" : "write the shape as positive whole numbers separated by commas, e.g. 1,3,224,224, not '" + text + "'";
          },
          ""))
      ->option_text("N,C,H,W");
  import_cmd->footer("Exit status: 0 ok, 1 an op or construct nnc lacks (every node named), 2 usage, an unreadable or invalid ONNX file, 3 a bug in nnc.");
  GraphOptions graph;
  CLI::App* graph_cmd = app.add_subcommand("graph", "draw the model: layers with their op and attributes, shapes on the edges, "
                                                    "block instances as clusters");
  graph_cmd->add_option("file", graph.file, "model file (YAML)")->required()->check(non_empty_path());
  add_set_option(graph_cmd, graph.set);
  add_choice(graph_cmd, "--format", graph.format, {{"dot", GraphFormat::Dot}, {"mermaid", GraphFormat::Mermaid}},
             "dot (default; Graphviz: `dot -Tsvg`) or mermaid (a flowchart, as Markdown on GitHub renders it)");
  graph_cmd->add_option("-o,--output", graph.output, "write the picture here (default: standard output); never left half-written")
      ->check(non_empty_path());
  add_color_option(graph_cmd, graph.color);
  graph_cmd->footer("Exit status: 0 ok, 1 model errors (printed on stderr), 2 usage or unreadable file.");

  OpsOptions ops;
  CLI::App* ops_cmd = app.add_subcommand("ops", "list every op with its attributes, types and defaults");
  add_choice(ops_cmd, "--format", ops.format, {{"text", OpsFormat::Text}, {"markdown", OpsFormat::Markdown}, {"json", OpsFormat::Json}},
             "text (default), markdown or json");

  // Hidden from `nnc --help`: the docs and the tests read it; users find the table in the docs.
  CodesOptions codes;
  CLI::App* codes_cmd = app.add_subcommand("codes", "list every diagnostic code with its severity and meaning")->group("");
  add_choice(codes_cmd, "--format", codes.format,
             {{"text", CodesFormat::Text}, {"markdown", CodesFormat::Markdown}, {"json", CodesFormat::Json}},
             "text (default), markdown or json");

  const std::string run_status = "Exit status: 0 ok, 1 model error (or weights/input that do not fit it), 2 usage or I/O error, 3 a bug in nnc.";
  for (CLI::App* cmd : {run_cmd, bench_cmd, emit_cmd}) cmd->footer(run_status);
  ops_cmd->footer("The same tables, with the model format around them: docs/model-format.md");

  // `nnc MODEL.yaml ...` is `nnc run MODEL.yaml ...`.
  std::vector<char*> args(argv, argv + argc);
  static char run_word[] = "run";
  if (argc > 1 && argv[1][0] != '-' && std::find(kCommands.begin(), kCommands.end(), argv[1]) == kCommands.end()) {
    std::string word = argv[1];
    if (!word.ends_with(".yaml") && !word.ends_with(".yml")) {
      std::cerr << fmt::format("nnc: unknown command '{}'{}\nRun `nnc --help` for the commands.\n", word,
                               did_you_mean(word, kCommands));
      return kExitUsage;
    }
    args.insert(args.begin() + 1, run_word);
  }

  try {
    app.parse(static_cast<int>(args.size()), args.data());
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }
  if (check_cmd->parsed()) return run_check(check);
  if (summary_cmd->parsed()) return run_summary(summary);
  if (run_cmd->parsed()) return run_run(run_options);
  if (bench_cmd->parsed()) return run_bench(bench_options);
  if (ops_cmd->parsed()) return run_ops(ops);
  if (codes_cmd->parsed()) return run_codes(codes);
  if (expand_cmd->parsed()) return run_expand(expand);
  if (import_cmd->parsed()) return run_import(import_options);
  if (graph_cmd->parsed()) return run_graph(graph);
  return run_emit(emit);
}

int report_bug(const InternalError& bug) {
  std::cerr << "nnc: " << printable(bug.what()) << "\nnnc: please report it with the model file.\n";
  return kExitBug;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const int status = run(argc, argv);
    // Output lost to a full disk or a closed pipe must not pass for success.
    if (!(std::cout << std::flush) && status == kExitOk) {
      std::cerr << "nnc: error: cannot write to standard output\n";
      return kExitUsage;
    }
    return status;
  } catch (const InternalError& bug) {
    return report_bug(bug);
  } catch (const std::bad_alloc&) {
    std::cerr << "nnc: out of memory\n";
    return kExitUsage;
  } catch (const std::exception& e) {
    return report_bug(InternalError(e.what()));  // any other exception escaping a command is a bug too
  }
}
