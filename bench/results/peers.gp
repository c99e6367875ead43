# Written by socklab bench peers; re-plot with `gnuplot peers.gp` in this folder.
# Columns: index, label, requests/s ratio median min max, CPU/request ratio median min max.
$ratios << EOD
0 "ref/redis inline P1 c50" 1.0436 0.9089 1.1639 0.9103 0.8261 1.0204
1 "ref/redis inline P1 c1000" 0.9413 0.8935 1.2352 0.8313 0.7531 1.0610
2 "ref/redis inline P16 c50" 0.9880 0.8034 1.3312 0.6842 0.6356 0.7857
3 "ref/redis inline P16 c1000" 1.0766 0.7640 1.1451 0.6500 0.5926 0.8065
4 "ref/redis mbulk P1 c50" 1.0179 0.7923 1.0807 0.9737 0.9342 1.0253
5 "ref/redis mbulk P1 c1000" 0.9803 0.9031 1.0690 0.8588 0.8353 0.9459
6 "ref/redis mbulk P16 c50" 0.9972 0.8490 1.1150 0.8391 0.7957 0.8817
7 "ref/redis mbulk P16 c1000" 1.0169 0.9698 1.1900 0.7000 0.6154 0.7500
8 "ref/redis load ping P1 c50" 0.9369 0.7301 1.0913 1.0900 0.8519 1.3419
9 "ref/redis load ping P16 c50" 1.2724 0.9695 1.7211 0.7623 0.5694 0.9799
10 "memcached/ref load ping P1 c50" 1.0156 0.9227 1.2199 0.9640 0.8451 1.0509
11 "memcached/ref load ping P16 c50" 0.0887 0.0603 0.1059 11.3907 9.8427 17.1000
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
