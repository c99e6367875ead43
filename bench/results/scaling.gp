# Written by socklab bench scaling; re-plot with `gnuplot scaling.gp` in this folder.
# Data: scaling-median.csv (one row per model and idle count). A model's curve ends at
# the last idle count it served: select cannot watch descriptors past FD_SETSIZE.
set datafile separator ','
set terminal svg size 860,520 dynamic font 'sans,12'
set logscale x
# A log axis has no 0: each idle count M is drawn at M+1 and labelled M.
set xtics ("0" 1, "100" 101, "1k" 1001, "5k" 5001, "10k" 10001)
set xlabel 'idle connections held open (log scale)'
set key outside right top
set grid
set yrange [0:*]
labs = "blocking select poll epoll-lt epoll-et"
# The column's value on this lab's rows; NaN (not drawn) elsewhere and where empty.
pick(c, lab, scale) = (strcol(1) eq lab && strlen(strcol(c)) > 0) ? column(c) / scale : NaN

set output 'scaling-throughput.svg'
set title "Throughput of 50 active echo connections beside idle ones"
set ylabel "requests/s (median; bars: min to max)"
plot for [lab in labs] 'scaling-median.csv' skip 1 using ($2+1):(pick(5,lab,1)):(pick(6,lab,1)):(pick(7,lab,1)) with yerrorlines title lab

set output 'scaling-cpu.svg'
set title "Server CPU time per request"
set ylabel "CPU µs per request (user + system)"
plot for [lab in labs] 'scaling-median.csv' skip 1 using ($2+1):(pick(11,lab,1)):(pick(12,lab,1)):(pick(13,lab,1)) with yerrorlines title lab

set output 'scaling-syscalls.svg'
set title "Server system calls per request"
set ylabel "system calls per request"
plot for [lab in labs] 'scaling-median.csv' skip 1 using ($2+1):(pick(14,lab,1)):(pick(15,lab,1)):(pick(16,lab,1)) with yerrorlines title lab

set output 'scaling-rss.svg'
set title "Server resident memory with the idle connections open"
set ylabel "RSS (MiB, largest sample)"
plot for [lab in labs] 'scaling-median.csv' skip 1 using ($2+1):(pick(17,lab,1048576.0)):(pick(18,lab,1048576.0)):(pick(19,lab,1048576.0)) with yerrorlines title lab
