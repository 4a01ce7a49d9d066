// The `nnc` command line: parses arguments and hands over to a subcommand.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <exception>
#include <iostream>

#include "driver/commands.h"
#include "ops/op.h"
#include "support/suggest.h"

#ifndef NNC_VERSION
#error "NNC_VERSION must be defined by the build"
#endif

namespace {

using namespace nnc;

const std::vector<std::string> kCommands = {"check", "summary"};

std::string ops_epilog() {
  std::string text = "Ops:\n";
  for (const OpDef* op : all_ops()) text += fmt::format("  {:<20}{}\n", op->name, op->summary);
  return text + "\nExit status: 0 ok, 1 model error, 2 usage or unreadable file.\nThe model format: docs/model-format.md";
}

// A word option shown and checked as its words ("text, json or github"), stored as an enum.
template <typename Enum>
void add_choice(CLI::App* cmd, const std::string& flag, Enum& target, const std::vector<std::pair<std::string, Enum>>& words,
                const std::string& help) {
  std::vector<std::string> names;
  for (const auto& w : words) names.push_back(w.first);
  cmd->add_option_function<std::string>(
         flag,
         [&target, words](const std::string& value) {
           for (const auto& w : words)
             if (w.first == value) target = w.second;
         },
         help)
      ->check(CLI::IsMember(names))
      ->option_text("WORD");
}

void add_color_option(CLI::App* cmd, ColorMode& mode) {
  add_choice(cmd, "--color", mode, {{"auto", ColorMode::Auto}, {"always", ColorMode::Always}, {"never", ColorMode::Never}},
             "colour the text: auto (on a terminal, unless NO_COLOR is set), always, never");
}

int run(int argc, char** argv) {
  CLI::App app{"nnc: a compiler for neural-network models written as YAML", "nnc"};
  app.set_version_flag("--version", std::string("nnc ") + NNC_VERSION);
  app.footer(ops_epilog());
  app.require_subcommand(1);

  CheckOptions check;
  CLI::App* check_cmd = app.add_subcommand("check", "parse and shape-check model files; report every problem");
  check_cmd->add_option("files", check.files, "model files (YAML)")->required();
  check_cmd->add_flag("--strict", check.strict, "fail on warnings too");
  add_choice(check_cmd, "--format", check.format,
             {{"text", CheckFormat::Text}, {"json", CheckFormat::Json}, {"github", CheckFormat::Github}},
             "text (default), json (one document on stdout) or github (workflow annotations)");
  check_cmd->footer("Exit status: 0 no errors (warnings allowed unless --strict), 1 errors, 2 usage or unreadable file.");
  add_color_option(check_cmd, check.color);

  SummaryOptions summary;
  CLI::App* summary_cmd = app.add_subcommand("summary", "print the layer table with every window formula worked out");
  summary_cmd->add_option("file", summary.file, "model file (YAML)")->required();
  add_color_option(summary_cmd, summary.color);
  summary_cmd->footer("Exit status: 0 ok, 1 model errors (printed on stderr), 2 usage or unreadable file.");

  // `nnc MODEL.yaml` is `nnc run MODEL.yaml`.
  if (argc > 1 && argv[1][0] != '-' && std::find(kCommands.begin(), kCommands.end(), argv[1]) == kCommands.end()) {
    std::string word = argv[1];
    bool model_file = word.ends_with(".yaml") || word.ends_with(".yml") || word == "run";
    if (model_file) {
      std::cerr << "nnc: running a model needs the JIT, which this build of nnc does not have yet.\n"
                   "nnc: `nnc summary FILE` shows every layer's shape; `nnc check FILE` reports every problem.\n";
    } else {
      std::cerr << fmt::format("nnc: unknown command '{}'{}\nRun `nnc --help` for the commands.\n", word,
                               did_you_mean(word, kCommands));
    }
    return kExitUsage;
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }
  if (check_cmd->parsed()) return run_check(check);
  return run_summary(summary);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "nnc: internal error: " << e.what() << "\nnnc: this is a bug in nnc; please report it with the model file.\n";
    return kExitBug;
  }
}
