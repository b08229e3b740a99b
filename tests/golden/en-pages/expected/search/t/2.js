PP_SEARCH.text(2,[
"Progress in quarter 3 of 2019 & next steps."]);
