PP_SEARCH.text(0,[
["","Example Progress","page","","Progress of the example plan."],
["report/","First report","page","","The first report. See the home page."]]);
