print("buildtriage")
