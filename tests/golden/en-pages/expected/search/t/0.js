PP_SEARCH.text(0,[
"Quarterly reports of the district office.",
"Every quarterly report, newest first.",
"Progress in quarter 1 of 2019 & next steps.",
"Progress in quarter 2 of 2019 & next steps.",
"Progress in quarter 3 of 2019 & next steps."]);
