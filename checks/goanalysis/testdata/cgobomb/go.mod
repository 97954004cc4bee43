module example.test/cgobomb

go 1.22
