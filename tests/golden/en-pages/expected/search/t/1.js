PP_SEARCH.text(1,[
["reports/2019-09-30/index.html","Report for quarter 3","page","","Progress in quarter 3 of 2019 & next steps."]]);
