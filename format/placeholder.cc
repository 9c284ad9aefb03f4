// replaced by the trace writer and reader
