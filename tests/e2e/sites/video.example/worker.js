// A dedicated worker that reports to comScore, as some players' analytics do.
fetch('https://sb.scorecardresearch.com/b?c1=2&c2=1234&ns_site=video', { mode: 'no-cors' });
