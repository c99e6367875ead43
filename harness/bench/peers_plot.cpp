#include "harness/bench/peers_plot.hpp"

#include <fmt/format.h>

#include "harness/bench/gnuplot_plot.hpp"

namespace socklab::bench {
namespace {

// "ref/redis inline P16 c1000": short enough to stand rotated under a bar.
std::string bar_label(const RatioRow& row) {
  std::string test = row.config.test;
  if (test.rfind("ping_", 0) == 0) test.erase(0, 5);
  const std::string pair = row.subject == PeerServer::memcached ? "memcached/ref" : "ref/redis";
  const std::string client = row.config.client == PeerClient::socklab_load ? "load " : "";
  return fmt::format("{} {}{} P{} c{}", pair, client, test, row.config.pipeline,
                     row.config.clients);
}

}  // namespace

std::string peers_gnuplot_script(const std::vector<RatioRow>& rows, const std::string& svg_name) {
  std::string data;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const RatioRow& row = rows[i];
    data +=
        fmt::format("{} {} {:.4f} {:.4f} {:.4f} {:.4f} {:.4f} {:.4f}\n", i,
                    gnuplot_quoted(bar_label(row)), row.rps_ratio.median, row.rps_ratio.min,
                    row.rps_ratio.max, row.cpu_ratio.median, row.cpu_ratio.min, row.cpu_ratio.max);
  }
  return fmt::format(
      "# Written by socklab bench peers; re-plot with `gnuplot peers.gp` in this folder.\n"
      "# Columns: index, label, requests/s ratio median min max, CPU/request ratio median min "
      "max.\n"
      "$ratios << EOD\n{0}EOD\n"
      "set terminal svg size 960,560 dynamic font 'sans,11'\n"
      "set output '{1}'\n"
      "set title 'ref-epoll-et against redis-server, memcached against ref-epoll-et "
      "(median; bars: min to max)'\n"
      "set ylabel 'ratio (1.0 = the same)'\n"
      "set style fill solid 0.6 border -1\n"
      "set boxwidth 0.38\n"
      "set grid ytics\n"
      "set yrange [0:*]\n"
      "set xrange [-0.6:{2}.6]\n"
      "set xtics rotate by -40 left nomirror font ',9'\n"
      "set key top right\n"
      "set bmargin 9\n"
      "plot $ratios using ($1-0.2):3:4:5:xtic(2) with boxerrorbars title 'requests/s ratio', \\\n"
      "     $ratios using ($1+0.2):6:7:8 with boxerrorbars title 'server CPU per request ratio', "
      "\\\n"
      "     1.0 with lines dashtype 2 linecolor 'black' notitle\n",
      data, svg_name, rows.empty() ? 0 : rows.size() - 1);
}

}  // namespace socklab::bench
