print("nnlab-bench: placeholder")
