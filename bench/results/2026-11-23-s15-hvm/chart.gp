# Drawn by bench/report; run in this directory: gnuplot chart.gp
set terminal svg size 1000,1120 dynamic font 'sans,11' noenhanced
set output 'chart.svg'
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y
set grid ytics
set datafile missing '-'
set key below
set xtics noenhanced rotate by -25
set ylabel 'ratio to baseline (or to the one a row names)'
set multiplot layout 2,1
set title "Time per operation relative to pvops-guest native, QEMU TCG (baseline): log scale, lower is better"
set yrange [0.1:10000]
plot 'chart-time.dat' using 2:xtic(1) title "pvops-guest native, QEMU TCG (baseline)", \
     'chart-time.dat' using 3 title "pvops-guest HVM domU on hv", \
     'chart-time.dat' using 4 title "stock Linux native, QEMU TCG (baseline of the Linux rows)", \
     'chart-time.dat' using 5 title "stock Linux HVM domU on hv (ratios to stock Linux native)", \
     'chart-time.dat' using 6 fill pattern 4 title "heron PV goal (issue 10)", \
     'chart-time.dat' using 7 fill pattern 4 title "Xen 4.17 PV domU / Linux native", \
     'chart-time.dat' using 8 fill pattern 4 title "Xen 4.17 HVM domU / Linux native", 1 with lines dashtype 2 lc rgb 'black' notitle
set title "Instructions (QEMU -icount) per operation relative to pvops-guest native, QEMU TCG (baseline): log scale, lower is better"
set yrange [0.1:100]
plot 'chart-icount.dat' using 2:xtic(1) title "pvops-guest native, QEMU TCG (baseline)", \
     'chart-icount.dat' using 3 title "pvops-guest HVM domU on hv", \
     'chart-icount.dat' using 4 title "stock Linux native, QEMU TCG (baseline of the Linux rows)", \
     'chart-icount.dat' using 5 title "stock Linux HVM domU on hv (ratios to stock Linux native)", 1 with lines dashtype 2 lc rgb 'black' notitle
unset multiplot
set terminal pngcairo size 1000,1120 font 'sans,10' noenhanced
set output 'chart.png'
set multiplot layout 2,1
set title "Time per operation relative to pvops-guest native, QEMU TCG (baseline): log scale, lower is better"
set yrange [0.1:10000]
plot 'chart-time.dat' using 2:xtic(1) title "pvops-guest native, QEMU TCG (baseline)", \
     'chart-time.dat' using 3 title "pvops-guest HVM domU on hv", \
     'chart-time.dat' using 4 title "stock Linux native, QEMU TCG (baseline of the Linux rows)", \
     'chart-time.dat' using 5 title "stock Linux HVM domU on hv (ratios to stock Linux native)", \
     'chart-time.dat' using 6 fill pattern 4 title "heron PV goal (issue 10)", \
     'chart-time.dat' using 7 fill pattern 4 title "Xen 4.17 PV domU / Linux native", \
     'chart-time.dat' using 8 fill pattern 4 title "Xen 4.17 HVM domU / Linux native", 1 with lines dashtype 2 lc rgb 'black' notitle
set title "Instructions (QEMU -icount) per operation relative to pvops-guest native, QEMU TCG (baseline): log scale, lower is better"
set yrange [0.1:100]
plot 'chart-icount.dat' using 2:xtic(1) title "pvops-guest native, QEMU TCG (baseline)", \
     'chart-icount.dat' using 3 title "pvops-guest HVM domU on hv", \
     'chart-icount.dat' using 4 title "stock Linux native, QEMU TCG (baseline of the Linux rows)", \
     'chart-icount.dat' using 5 title "stock Linux HVM domU on hv (ratios to stock Linux native)", 1 with lines dashtype 2 lc rgb 'black' notitle
unset multiplot
