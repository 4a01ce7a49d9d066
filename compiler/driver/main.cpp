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

void add_color_option(CLI::App* cmd, ColorMode& mode) {
  cmd->add_option("--color", mode, "colour the text output: auto (a terminal without NO_COLOR), always, never")
      ->transform(CLI::CheckedTransformer(
          std::map<std::string, ColorMode>{{"auto", ColorMode::Auto}, {"always", ColorMode::Always}, {"never", ColorMode::Never}}));
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
  check_cmd->add_option("--format", check.format, "text, json (one document) or github (workflow annotations)")
      ->transform(CLI::CheckedTransformer(std::map<std::string, CheckFormat>{
          {"text", CheckFormat::Text}, {"json", CheckFormat::Json}, {"github", CheckFormat::Github}}));
  add_color_option(check_cmd, check.color);

  SummaryOptions summary;
  CLI::App* summary_cmd = app.add_subcommand("summary", "print the layer table with every window formula worked out");
  summary_cmd->add_option("file", summary.file, "model file (YAML)")->required();
  add_color_option(summary_cmd, summary.color);

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
