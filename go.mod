module github.com/infinitic-go/infinitic

go 1.26.8
