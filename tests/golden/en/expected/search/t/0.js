PP_SEARCH.text(0,[
"Progress of the example plan.",
"The first report. See the home page."]);
