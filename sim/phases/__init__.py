"""The eight phases of one week, in ODD order (DESIGN.md §3). Each is a function over the state
arrays, the organization, the parameters and the model's generator; none loops over employees,
customers or requests in Python."""
