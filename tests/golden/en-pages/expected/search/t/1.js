PP_SEARCH.text(1,[
"Progress in quarter 1 of 2019 & next steps.",
"Progress in quarter 2 of 2019 & next steps."]);
