# fuzz: rules are added with the first program here.
