PP_SEARCH.names(["page"],[
""],
"0000index.html\tDistrict Reports\n000Areports/\tReports\n008A2019-03-30/\tReport for quarter 1\n00EE6\tReport for quarter 2\n00EE9\tReport for quarter 3");
