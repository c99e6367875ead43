#include "harness/bench/scaling_plots.hpp"

#include <fmt/format.h>

#include "harness/bench/gnuplot_plot.hpp"

namespace socklab::bench {
namespace {

// Columns of scaling-median.csv (1-based, as gnuplot counts): each figure's median, min, max.
struct Figure {
  const char* file;
  const char* title;
  const char* axis;
  int median_column;
  const char* scale;  // applied to the column, e.g. bytes to MiB
};

constexpr Figure kFigures[] = {
    {"scaling-throughput.svg", "Throughput of 50 active echo connections beside idle ones",
     "requests/s (median; bars: min to max)", 5, "1"},
    {"scaling-cpu.svg", "Server CPU time per request", "CPU µs per request (user + system)", 11,
     "1"},
    {"scaling-syscalls.svg", "Server system calls per request", "system calls per request", 14,
     "1"},
    {"scaling-rss.svg", "Server resident memory with the idle connections open",
     "RSS (MiB, largest sample)", 17, "1048576.0"},
};

}  // namespace

std::string scaling_gnuplot_script(const std::vector<std::string>& labs,
                                   const std::vector<std::size_t>& idle_counts) {
  std::string lab_words;
  for (const std::string& lab : labs) lab_words += (lab_words.empty() ? "" : " ") + lab;
  std::string tics;
  // "10k", not "10000": on a log axis 5000 and 10000 sit close enough for long labels to touch.
  for (std::size_t idle : idle_counts) {
    std::string label =
        idle >= 1000 && idle % 1000 == 0 ? fmt::format("{}k", idle / 1000) : std::to_string(idle);
    tics += fmt::format("{}\"{}\" {}", tics.empty() ? "" : ", ", label, idle + 1);
  }

  std::string script = fmt::format(
      "# Written by socklab bench scaling; re-plot with `gnuplot {0}` in this folder.\n"
      "# Data: scaling-median.csv (one row per model and idle count). A model's curve ends at\n"
      "# the last idle count it served: select cannot watch descriptors past FD_SETSIZE.\n"
      "set datafile separator ','\n"
      "set terminal svg size 860,520 dynamic font 'sans,12'\n"
      "set logscale x\n"
      "# A log axis has no 0: each idle count M is drawn at M+1 and labelled M.\n"
      "set xtics ({1})\n"
      "set xlabel 'idle connections held open (log scale)'\n"
      "set key outside right top\n"
      "set grid\n"
      "set yrange [0:*]\n"
      "labs = {2}\n"
      "# The column's value on this lab's rows; NaN (not drawn) elsewhere and where empty.\n"
      "pick(c, lab, scale) = (strcol(1) eq lab && strlen(strcol(c)) > 0) ? column(c) / scale : "
      "NaN\n",
      "scaling.gp", tics, gnuplot_quoted(lab_words));
  for (const Figure& figure : kFigures) {
    script += fmt::format(
        "\nset output '{0}'\nset title {1}\nset ylabel {2}\n"
        "plot for [lab in labs] 'scaling-median.csv' skip 1 using ($2+1):(pick({3},lab,{4})):"
        "(pick({5},lab,{4})):(pick({6},lab,{4})) with yerrorlines title lab\n",
        figure.file, gnuplot_quoted(figure.title), gnuplot_quoted(figure.axis),
        figure.median_column, figure.scale, figure.median_column + 1, figure.median_column + 2);
  }
  return script;
}

}  // namespace socklab::bench
