# Written by socklab bench peers; re-plot with `gnuplot peers.gp` in this folder.
# Columns: index, label, requests/s ratio median min max, CPU/request ratio median min max.
$ratios << EOD
0 "ref/redis inline P1 c50" 0.9444 0.9104 1.1129 0.9194 0.7538 1.1148
1 "ref/redis inline P1 c1000" 1.0072 0.8278 1.0407 0.8736 0.8049 1.1558
2 "ref/redis inline P16 c50" 1.0394 0.8851 1.0958 0.7412 0.6900 0.8219
3 "ref/redis inline P16 c1000" 0.8975 0.8392 1.0022 0.7176 0.5806 0.8030
4 "ref/redis mbulk P1 c50" 0.8981 0.7940 0.9387 1.0000 1.0000 1.1692
5 "ref/redis mbulk P1 c1000" 0.9930 0.8274 1.1123 0.8370 0.7326 1.4024
6 "ref/redis mbulk P16 c50" 0.9619 0.8017 1.1371 0.8205 0.6471 0.8765
7 "ref/redis mbulk P16 c1000" 0.9747 0.8110 1.2977 0.7183 0.6136 0.8676
8 "ref/redis load ping P1 c50" 0.8876 0.6895 1.0053 1.1498 0.9848 1.4652
9 "ref/redis load ping P16 c50" 1.2602 1.1761 1.5063 0.7695 0.6780 0.8502
10 "memcached/ref load ping P1 c50" 1.1205 0.8706 1.5375 0.8925 0.6439 1.1368
11 "memcached/ref load ping P16 c50" 0.0821 0.0750 0.0940 12.3104 10.8518 13.6134
EOD
set terminal svg size 960,560 dynamic font 'sans,11'
set output 'peers.svg'
set title 'ref-epoll-et against redis-server, memcached against ref-epoll-et (median; bars: min to max)'
set ylabel 'ratio (1.0 = the same)'
set style fill solid 0.6 border -1
set boxwidth 0.38
set grid ytics
set yrange [0:*]
set xrange [-0.6:11.6]
set xtics rotate by -40 left nomirror font ',9'
set key top right
set bmargin 9
plot $ratios using ($1-0.2):3:4:5:xtic(2) with boxerrorbars title 'requests/s ratio', \
     $ratios using ($1+0.2):6:7:8 with boxerrorbars title 'server CPU per request ratio', \
     1.0 with lines dashtype 2 linecolor 'black' notitle
