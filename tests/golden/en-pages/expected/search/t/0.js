PP_SEARCH.text(0,[
["index.html","District Reports","page","","Quarterly reports of the district office."],
["reports/index.html","Reports","page","","Every quarterly report, newest first."],
["reports/2019-03-30/index.html","Report for quarter 1","page","","Progress in quarter 1 of 2019 & next steps."],
["reports/2019-06-30/index.html","Report for quarter 2","page","","Progress in quarter 2 of 2019 & next steps."],
["reports/2019-09-30/index.html","Report for quarter 3","page","","Progress in quarter 3 of 2019 & next steps."]]);
