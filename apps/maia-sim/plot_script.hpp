#pragma once
// The plotting script of maia-sim plot (apps/maia-sim/plot/maia_plot.py), embedded at build time.

namespace maia::cli {

const char* plot_script();

}  // namespace maia::cli
