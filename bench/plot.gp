# SPDX-License-Identifier: GPL-2.0
# The bench's picture: unlink->free latency of page tables (CDF per storm)
# beside each storm's throughput on the host, in the guest, and in the
# guest under rcu walkers. usage: gnuplot -e "datadir='DIR'" plot.gp
set terminal pngcairo size 1600,640 font "sans,11"
set output datadir."/bench.png"
set multiplot layout 1,2 title "make bench: RCU page-table freeing in the UML appliance" font "sans,14"

set title "Grace period: unlink -> free latency of page tables (under rcu walkers)"
set logscale x 2
set offsets graph 0.05, graph 0.05, 0, 0
set xlabel "unlink -> free latency (power-of-2 bucket bounds, log scale)"
set ylabel "fraction of tables freed within"
set yrange [0:1.02]
set key bottom right
set grid
plot for [i=3:7] datadir."/gp-latency.dat" using 1:i:xtic(2) with linespoints lw 2 title columnhead(i)

unset logscale x
set offsets 0, 0, 0, 0
set xtics auto
set title "Storm throughput (median, bars: min..max)"
set logscale y 10
set yrange [*:*]
set xlabel "storm (-d 3 --policy other)"
set ylabel "ops/s (log scale)"
set style data histogram
set style histogram errorbars gap 2 lw 1
set style fill solid 0.7 border -1
set boxwidth 0.9
set key top right
plot datadir."/storms.dat" using 2:3:4:xtic(1) title "host", \
	'' using 5:6:7 title "guest", \
	'' using 8:9:10 title "guest + rcu walkers"
unset multiplot
