PP_SEARCH.text(0,[
"Quarterly reports of the district office.",
"Every quarterly report, newest first."]);
