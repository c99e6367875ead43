# Written by socklab bench peers; re-plot with `gnuplot peers.gp` in this folder.
# Columns: index, label, requests/s ratio median min max, CPU/request ratio median min max.
$ratios << EOD
0 "ref/redis inline P1 c50" 1.0227 0.8522 1.0368 0.9394 0.9080 1.0103
1 "ref/redis inline P1 c1000" 1.0942 0.8509 1.2536 0.8625 0.5909 0.9459
2 "ref/redis inline P16 c50" 1.0908 0.8965 1.1895 0.6688 0.6071 0.7705
3 "ref/redis inline P16 c1000" 1.0348 1.0058 1.1931 0.6739 0.5545 0.7564
4 "ref/redis mbulk P1 c50" 1.1061 0.8742 1.1191 0.9579 0.8969 1.0976
5 "ref/redis mbulk P1 c1000" 1.0846 0.8209 1.2648 0.8706 0.7922 0.8864
6 "ref/redis mbulk P16 c50" 1.0052 0.7721 1.0865 0.7739 0.7031 1.0174
7 "ref/redis mbulk P16 c1000" 1.0530 0.9075 1.1705 0.7831 0.6707 0.8442
8 "ref/redis load ping P1 c50" 0.9689 0.7674 1.0630 1.0321 0.9218 1.2766
9 "ref/redis load ping P16 c50" 1.3782 1.2136 1.7464 0.7256 0.6614 0.8410
10 "memcached/ref load ping P1 c50" 1.0611 1.0399 1.3594 0.9234 0.7434 0.9715
11 "memcached/ref load ping P16 c50" 0.0838 0.0734 0.0913 12.0553 10.9486 13.7607
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
